from django.apps import AppConfig


class MediaGraphConfig(AppConfig):
    name = "media_graph"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Follows (users/) announce themselves; their notifications are written here.
        from media_graph.services.notifications import connect_follow_signals

        connect_follow_signals()
