from django.apps import AppConfig


class MediaGraphConfig(AppConfig):
    name = "media_graph"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The Celery app, configured from settings, in every process that sends tasks
        # (shared_task binds to it). `celery -A project` finds it as project.celery.
        import project.celery  # noqa: F401

        # Follows (users/) announce themselves; their notifications are written here.
        from media_graph.services.notifications import connect_follow_signals

        connect_follow_signals()
