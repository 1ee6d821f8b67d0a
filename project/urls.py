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

if not settings.USE_S3:
    # Local media (no S3 configured) are served by the app itself; with S3 the
    # client fetches signed URLs from the bucket directly.
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
