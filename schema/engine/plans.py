"""strawberry-django's optimizer plans, made once per document and field, then reused.

Planning a queryset from the selection took about a fifth of a photo or feed request
(bench/RESULTS.md). A plan (an `OptimizerStore`: joins, prefetches with their querysets,
annotations) depends on:
- the selection: the operation of a parsed document (schema/server/documents.py caches them, so
  the same text gives the same nodes), the field's path without list indices, the nodes
  collected for it, and the values of the variables used under it (not of the field's
  own arguments: its resolver applies those to the rows it hands over);
- the viewer: every type's `get_queryset` applies `visible_to(viewer)`, and annotations
  such as viewerHasLiked compare rows with the viewer's pk.
So a plan is made for a stand-in, never for a person: `SIGNED_IN`, whose pk is an SQL
parameter read when a query is compiled, from the operation being executed (anonymous
viewers are Django's AnonymousUser, who has no pk). Domain code stays as it is, as long
as what runs while planning (`get_queryset`, annotate and prefetch callables) uses the
viewer only inside querysets and expressions; reading anything else of the context
fails rather than guesses.

A plan is never handed to Django: each use gets prefetches of its own, because Django's
prefetching writes to the queryset of a Prefetch (`_add_hints`), and so does
strawberry-django when it merges two prefetches of one relation.

Bounded in entries (GRAPHQL_OPTIMIZER_PLAN_CACHE; 0 turns caching off, and so does
GRAPHQL_ENGINE_PLANS=0), least recently used first out. Entries hold their operation
weakly: they keep no document alive that the document cache let go of, and never answer
for another one.
"""

import datetime
import decimal
import enum
import threading
import uuid
import weakref
from collections import OrderedDict
from contextvars import ContextVar, Token
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.dispatch import receiver
from django.test.signals import setting_changed
from graphql import FragmentSpreadNode, Node, VariableNode, get_named_type
from strawberry_django import optimizer as _planner
from strawberry_django.queryset import get_queryset_config
from strawberry_django.utils.inspect import get_possible_concrete_types

from schema.engine.switches import switches

PRIVATE_NAMES = (
    "strawberry_django.optimizer._get_model_hints",
    "strawberry_django.optimizer._get_gql_definition",
    "strawberry_django.optimizer.OptimizerStore.apply",
    "strawberry_django.optimizer.OptimizerStore.copy",
    "strawberry_django.queryset.get_queryset_config",
    "strawberry_django.utils.inspect.get_possible_concrete_types",
    "strawberry.types.info:'._strawberry_schema'",
    "graphql.type.definition.GraphQLResolveInfo._replace",
    # What `optimize` does after planning: mark the queryset so it is not planned again.
    "strawberry_django.optimizer:'qs_config.optimized = True'",
    "django.db.models.query:'def _add_hints'",
    "django.db.models.query:'def __getstate__'",
)

_executing: ContextVar[object | None] = ContextVar("executing_context", default=None)


class _SignedInViewer(models.Expression):
    """The signed-in viewer of whichever operation compiles the query: `pk` is itself."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self) -> None:
        super().__init__(output_field=models.BigIntegerField())

    @property
    def pk(self) -> "_SignedInViewer":
        return self

    def as_sql(self, compiler, connection):
        context = _executing.get()
        viewer = getattr(context, "viewer", None)
        if viewer is None or not viewer.is_authenticated:
            # Never another viewer's pk, nor none: a plan for a signed-in viewer compiled
            # outside an operation, or for an anonymous one, is a bug.
            raise RuntimeError("A signed-in plan was compiled without a signed-in viewer.")
        return "%s", [viewer.pk]

    def get_group_by_cols(self):
        return []


SIGNED_IN = _SignedInViewer()
_PLANNING_CONTEXTS = {
    signed_in: SimpleNamespace(viewer=viewer, request=SimpleNamespace(user=viewer))
    for signed_in, viewer in ((True, SIGNED_IN), (False, AnonymousUser()))
}


def _is_planning_context(context) -> bool:
    return any(context is planning for planning in _PLANNING_CONTEXTS.values())


def begin() -> Token:
    """An operation starts: until `end`, `SIGNED_IN` compiles to its viewer, and only then."""
    return _executing.set(None)


def end(token: Token) -> None:
    _executing.reset(token)


def cache_on() -> bool:
    """Off (GRAPHQL_ENGINE_PLANS=0, or GRAPHQL_OPTIMIZER_PLAN_CACHE=0), strawberry-django
    plans every field itself."""
    return switches().plans and settings.GRAPHQL_OPTIMIZER_PLAN_CACHE > 0


# Every PlanCache, emptied when an engine switch changes (tests turn them at run time):
# a plan made with joins or per-parent pages on must not be used with them off.
_CACHES: "weakref.WeakSet[PlanCache]" = weakref.WeakSet()


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("GRAPHQL_ENGINE"):
        for cache in list(_CACHES):
            cache.clear()


class _Unkeyable(Exception):
    """A variable value that cannot be part of a key (a file, an object): plan afresh."""


_IMMUTABLE = (str, int, float, bool, enum.Enum, decimal.Decimal, uuid.UUID, datetime.date)
_ABSENT = object()


def _frozen(value):
    if value is None or value is _ABSENT or isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, dict):
        return ("{}", tuple(sorted((key, _frozen(item)) for key, item in value.items())))
    if isinstance(value, list | tuple):
        return ("[]", tuple(_frozen(item) for item in value))
    raise _Unkeyable


def _variables_under(field_nodes, fragments) -> tuple[str, ...]:
    """The variables used anywhere inside these fields' selections (fragments followed)."""
    names, seen, stack = set(), set(), [node.selection_set for node in field_nodes]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, VariableNode):
            names.add(node.name.value)
            continue
        if isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
            seen.add(node.name.value)
            stack.append(fragments.get(node.name.value))
        for key in node.keys:
            value = getattr(node, key)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple | list):
                stack.extend(item for item in value if isinstance(item, Node))
    return tuple(sorted(names))


class _Recent:
    """An LRU mapping whose entries belong to an operation, held weakly."""

    def __init__(self) -> None:
        self.entries: OrderedDict[tuple, tuple[weakref.ref, object]] = OrderedDict()

    def get(self, key: tuple, operation):
        found = self.entries.get(key)
        # The same id is another operation once the first is gone.
        if found is None or found[0]() is not operation:
            return None
        self.entries.move_to_end(key)
        return found[1]

    def put(self, key: tuple, operation, value, limit: int) -> None:
        self.entries[key] = (weakref.ref(operation), value)
        self.entries.move_to_end(key)
        while len(self.entries) > limit:
            self.entries.popitem(last=False)


class PlanCache:
    """Plans by field and viewer kind, bounded by the GRAPHQL_OPTIMIZER_PLAN_CACHE setting."""

    def __init__(self) -> None:
        self._plans = _Recent()
        self._variables = _Recent()  # the variables a field's plan depends on
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        _CACHES.add(self)

    def __len__(self) -> int:
        return len(self._plans.entries)

    def stored(self) -> list:
        """The plans held now (what tests inspect)."""
        with self._lock:
            return [plan for _, plan in self._plans.entries.values()]

    def clear(self) -> None:
        with self._lock:
            self._plans.entries.clear()
            self._variables.entries.clear()

    def optimize(self, queryset, info, config):
        """`queryset` shaped for the field of `info`, from a cached plan when there is one."""
        if not _is_planning_context(info.context):
            _executing.set(info.context)
        # else: a prefetch callable shaping its own rows while a plan is made (an event's
        # photos): the operation's viewer stays the one SIGNED_IN compiles to.
        limit = settings.GRAPHQL_OPTIMIZER_PLAN_CACHE
        try:
            key = self._key(queryset.model, info, limit)
        except _Unkeyable:
            key = None
        plan = None
        if key is not None:
            with self._lock:
                plan = self._plans.get(key, info.operation)
                self.hits += plan is not None
                self.misses += plan is None
        if plan is None:
            plan = _plan(queryset.model, info, config)
            if key is not None:
                with self._lock:
                    self._plans.put(key, info.operation, plan, limit)
        if not plan:
            return queryset
        queryset = _fresh(plan).apply(queryset, info=info, config=config)
        get_queryset_config(queryset).optimized = True
        return queryset

    def _key(self, model, info, limit: int) -> tuple:
        operation = info.operation
        field = (id(operation), tuple(map(id, info.field_nodes)))
        with self._lock:
            names = self._variables.get(field, operation)
        if names is None:
            names = _variables_under(info.field_nodes, info.fragments)
            with self._lock:
                self._variables.put(field, operation, names, limit)
        values = tuple(_frozen(info.variable_values.get(name, _ABSENT)) for name in names)
        path = tuple(key for key in info.path.as_list() if isinstance(key, str))
        signed_in = info.context.viewer.is_authenticated
        return (*field, path, info.parent_type.name, model, signed_in, values)


def _plan(model, info, config):
    """strawberry-django's plan of `info`'s selection, made for a stand-in viewer."""
    signed_in = info.context.viewer.is_authenticated
    info = info._replace(context=_PLANNING_CONTEXTS[signed_in])
    schema = info.schema._strawberry_schema
    plan = _planner.OptimizerStore()
    strawberry_type = schema.get_type_by_name(get_named_type(info.return_type).name)
    if strawberry_type is None:
        return plan
    for definition in get_possible_concrete_types(model, schema, strawberry_type):
        found = _planner._get_model_hints(
            model,
            schema,
            definition,
            parent_type=_planner._get_gql_definition(schema, definition),
            info=info,
            config=config,
        )
        if found is not None:
            plan |= found
    return plan


def _fresh(plan):
    """The plan with prefetches of its own, for one use: Django writes to their querysets."""
    fresh = plan.copy()
    fresh.prefetch_related = []
    for prefetch in plan.prefetch_related:
        if isinstance(prefetch, models.Prefetch) and prefetch.queryset is not None:
            # Not copy.copy(): a Prefetch copies itself through __getstate__, which clones
            # the queryset once more, only for it to be replaced here.
            copied = models.Prefetch.__new__(models.Prefetch)
            copied.__dict__ = {**prefetch.__dict__, "queryset": prefetch.queryset.all()}
            prefetch = copied
        fresh.prefetch_related.append(prefetch)
    return fresh
