# The app, served by gunicorn (gthread: the sync Strawberry view under WSGI is the
# faster choice on a couple of cores). Migrations run on start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_STATIC_ROOT=/app/staticfiles

WORKDIR /app
RUN useradd --create-home --uid 10001 app

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY manage.py gunicorn.conf.py ./
COPY project ./project
COPY users ./users
COPY media_graph ./media_graph
COPY schema ./schema
COPY moderation ./moderation
COPY tasks ./tasks
COPY live ./live
# collectstatic needs settings, not a real key.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret-0123456789 \
    python manage.py collectstatic --noinput --verbosity 0

# var/ holds the signing key made on first start (a volume in docker-compose.yml).
RUN mkdir -p /app/var && chown app:app /app/var
USER app
EXPOSE 8000
# Liveness only (/healthz touches nothing); compose's app waits on /readyz instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn project.wsgi --bind 0.0.0.0:8000 --worker-class gthread --workers ${WEB_CONCURRENCY:-2} --threads ${GUNICORN_THREADS:-4} --access-logfile -"]
