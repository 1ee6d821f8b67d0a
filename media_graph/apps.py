from django.apps import AppConfig


class MediaGraphConfig(AppConfig):
    name = "media_graph"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The Celery app, configured from settings, in every process that sends tasks, and
        # its tasks registered with it (a worker imports them through CELERY_IMPORTS too).
        # `celery -A project` finds the app as project.celery.
        import project.celery  # noqa: F401
        import tasks  # noqa: F401
