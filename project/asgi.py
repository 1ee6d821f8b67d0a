"""The ASGI entry point (uvicorn): subscriptions (live/asgi.py) and, beside them, Django.

`make run` serves everything through it on one port; in production the `realtime`
service runs it for subscriptions while `web` keeps HTTP on gunicorn (docs/live.md).
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
# What get_asgi_application does, with tracing installed (when an OTLP endpoint is set)
# after setup and before the handler loads the middleware (project/wsgi.py says why).
django.setup(set_prefix=False)

from django.core.handlers.asgi import ASGIHandler  # noqa: E402

from project import tracing  # noqa: E402

tracing.install()
django_application = ASGIHandler()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from live.asgi import router  # noqa: E402
from schema import schema  # noqa: E402

if settings.DEBUG:
    # What runserver did: static files (GraphiQL's assets) from the apps' folders.
    django_application = ASGIStaticFilesHandler(django_application)
application = router(schema, django_application)
