"""The project's settings with what a test run needs that the environment may not give."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnop")

from project.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only

# The suite runs media tasks inline, whatever broker the shell names; the queue tests
# (tests/media_graph/test_tasks*.py) point Celery at a Redis of their own.
CELERY_BROKER_URL = ""

# A second way into the test database, as DATABASE_REPLICA_URL makes one: inert (no
# router) until a replica test installs the router (tests/support/replica.py).
if "postgresql" in DATABASES["default"]["ENGINE"] and "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405

# Budgets stay on (every answer carries extensions.cost, every operation is debited), in
# a bucket no test empties by accident: query-count tests run the same costly document
# many times. tests/schema/server/test_budget.py sets the sizes it tests.
GRAPHQL_BUDGET_MAX = 1_000_000_000
