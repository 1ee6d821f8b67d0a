"""A whole deployment on one machine, from the repository alone (docs/cluster.md).

`python -m cluster up` starts a PostgreSQL primary and a streaming replica, Redis, an
S3 server (rclone), two gunicorn web processes and two Celery workers (media; the
rest, with beat), each detached, with its pid and log under var/cluster/. Every other
verb (down, status, kill, stop, start, restart) acts on those pid files, so a test
process that did not start the cluster can still kill -9 one piece of it and bring it
back. Nothing here imports Django: the app runs in the processes it starts.
"""
