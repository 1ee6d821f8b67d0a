"""The project's settings, URLs and plumbing. Importing this package loads nothing else:
the Celery app (project/celery.py) is loaded when Django's apps are (media_graph's
AppConfig), so the pure modules that import project.codes stay free of Celery."""
