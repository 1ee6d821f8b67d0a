from django.apps import AppConfig


class MediaGraphConfig(AppConfig):
    name = "media_graph"
    default_auto_field = "django.db.models.BigAutoField"
