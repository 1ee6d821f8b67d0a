"""The ASGI entry point (uvicorn): subscriptions (live/asgi.py) and, beside them, Django.

`make run` serves everything through it on one port; in production the `realtime`
service runs it for subscriptions while `web` keeps HTTP on gunicorn (docs/live.md).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django_application = get_asgi_application()  # sets Django up before the imports below

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from live.asgi import router  # noqa: E402
from schema import schema  # noqa: E402

if settings.DEBUG:
    # What runserver did: static files (GraphiQL's assets) from the apps' folders.
    django_application = ASGIStaticFilesHandler(django_application)
application = router(schema, django_application)
