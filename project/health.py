"""/healthz: liveness. 200 whenever the process can answer; it touches nothing else.

Whether the database, storage and broker answer is readiness (project/readiness.py,
/readyz): a process that cannot reach its storage should be taken out of rotation, not
restarted.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})
