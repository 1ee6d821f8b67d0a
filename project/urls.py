from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from media_graph.storage import local_put
from media_graph.storage.local_serving import serve_signed
from media_graph.variants import PREFIX as VARIANTS
from media_graph.views import variant_redirect
from project.health import healthz
from project.metrics_view import metrics
from project.readiness import readyz
from schema import schema
from schema.server.view import GraphQLView

urlpatterns = [
    # CSRF-exempt only because cookies never authenticate (see schema/core/context.py).
    path("graphql/", csrf_exempt(GraphQLView.as_view(schema=schema)), name="graphql"),
    path("healthz", healthz, name="healthz"),  # liveness: touches nothing
    path("readyz", readyz, name="readyz"),  # database, storage, broker, each with a deadline
    path("metrics", metrics, name="metrics"),  # Prometheus, with METRICS_TOKEN only
    # Direct uploads' target with local storage (signed, expiring); 404 with S3.
    re_path(r"^uploads/(?P<name>[0-9a-f]{32})$", local_put.receive, name="local-upload"),
    # Image variants: a signed app URL that redirects to the stored object (made once).
    path(
        f"{VARIANTS}<int:photo_id>/v<int:version>/<int:width>.<str:ext>",
        variant_redirect,
        name="image-variant",
    ),
    # Operators (moderation/admin/): sessions and CSRF act here only (project/middleware.py).
    path(settings.ADMIN_PATH.strip("/") + "/", admin.site.urls),
]

# Local media are served by the app itself, only under a valid signed URL; with S3 the
# client fetches signed URLs from the bucket directly and this answers 404. The route is
# always there: whether storage is S3 is read per request, not when this module loads.
urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_signed))
