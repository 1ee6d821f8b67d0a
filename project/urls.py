from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from media_graph.local_storage import serve_signed
from project.health import healthz
from schema import schema
from schema.view import GraphQLView

urlpatterns = [
    # CSRF-exempt only because cookies never authenticate (see schema/context.py).
    path("graphql/", csrf_exempt(GraphQLView.as_view(schema=schema)), name="graphql"),
    path("healthz", healthz, name="healthz"),
    # Operators (moderation/admin.py): sessions and CSRF act here only (project/middleware.py).
    path(settings.ADMIN_PATH.strip("/") + "/", admin.site.urls),
]

# Local media are served by the app itself, only under a valid signed URL; with S3 the
# client fetches signed URLs from the bucket directly and this answers 404. The route is
# always there: whether storage is S3 is read per request, not when this module loads.
urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_signed))
