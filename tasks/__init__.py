"""Every Celery task of the project, and nothing else.

Services never import this package: they queue work by task name after commit
(project.celery.enqueue_after_commit), with the service function to run inline when
there is no broker. So the arrows run one way, tasks -> services -> models, and a task
is a thin, declared wrapper: its name, its retries (tasks.base), and the service it
calls.

- media: thumbnail sets (and the ladder widths asked for most), object deletes
- maintenance: Celery beat's periodic work (scheduled photos, staged uploads)
- email: notification mail and password-reset mail (composed in plain modules)

The worker loads them through CELERY_IMPORTS (the package imports each module).
"""

from project import task_metrics  # noqa: F401 (connects the task metrics' signals)
from tasks import email, maintenance, media

__all__ = ["email", "maintenance", "media"]
