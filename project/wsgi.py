"""The WSGI entry point (gunicorn): Django, traced when an OTLP endpoint is set.

What get_wsgi_application does, with tracing installed in between (project/tracing.py):
after setup (logging configured, the apps and their tasks loaded), and before the handler
loads the middleware, which Django's instrumentation adds to.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django.setup(set_prefix=False)

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from project import tracing  # noqa: E402

tracing.install()
application = WSGIHandler()
