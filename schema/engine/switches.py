"""Which pieces of the engine run: each makes answers faster, none may make them right.

Settings (environment: GRAPHQL_ENGINE, GRAPHQL_ENGINE_LEAN_PATH, _PLANS, _JOINS, _PAGES,
_PLAIN_FIELDS);
a piece runs when GRAPHQL_ENGINE and its own switch are both on. Off, each falls back to
what Strawberry and strawberry-django do by themselves:
- lean_path: Strawberry's own `execute_sync` and extension runner, the operation hooks
  run as the last of its extensions (schema/engine/extensions.py);
- plans: strawberry-django plans every field afresh (schema/engine/plans.py);
- joins: a `joined()` foreign key is prefetched like any other (schema/engine/joins.py);
- pages: a nested connection is left out of its parents' plan, and each parent fetches
  its own page when resolved (schema/engine/prefetch_pages.py): a query per parent;
- plain_fields: every field goes through its resolver, as graphql-core runs it
  (schema/engine/plain_fields.py).
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.dispatch import receiver
from django.test.signals import setting_changed


@dataclass(frozen=True)
class Switches:
    lean_path: bool
    plans: bool
    joins: bool
    pages: bool
    plain_fields: bool


@functools.cache
def switches() -> Switches:
    """Read once: settings lookups on every field planned would cost more than they decide."""
    on = settings.GRAPHQL_ENGINE
    return Switches(
        lean_path=on and settings.GRAPHQL_ENGINE_LEAN_PATH,
        plans=on and settings.GRAPHQL_ENGINE_PLANS,
        joins=on and settings.GRAPHQL_ENGINE_JOINS,
        pages=on and settings.GRAPHQL_ENGINE_PAGES,
        plain_fields=on and settings.GRAPHQL_ENGINE_PLAIN_FIELDS,
    )


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("GRAPHQL_ENGINE"):
        switches.cache_clear()
