# The Celery app is loaded with Django, so tasks bind to it wherever they are sent from.
from project.celery import app as celery_app

__all__ = ["celery_app"]
