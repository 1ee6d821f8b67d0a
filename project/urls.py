from django.conf import settings
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve

from project.health import healthz
from schema import schema
from schema.view import GraphQLView

urlpatterns = [
    # CSRF-exempt only because cookies never authenticate (see schema/context.py).
    path("graphql/", csrf_exempt(GraphQLView.as_view(schema=schema)), name="graphql"),
    path("healthz", healthz, name="healthz"),
]


def local_media(request, path: str):
    """Local media (no S3 configured) are served by the app itself; with S3 the client
    fetches signed URLs from the bucket directly. Keys are unguessable uuids."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if not settings.USE_S3:
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", local_media))
