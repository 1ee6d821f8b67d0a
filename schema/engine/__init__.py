"""Every use of a private Strawberry, strawberry-django or graphql-core API, in one place.

(Two more modules outside the schema fence their private names the same way:
media_graph.storage.s3 django-storages', project.budgets Django's Redis cache's;
FENCED_MODULES lists them, so the same test checks them.)

The rest of `schema/` speaks only the libraries' documented APIs and this package's
names. Each module here lists, in `PRIVATE_NAMES`, the private names it relies on (as
dotted paths); `WRITTEN_FOR` says which minor series they were read against.
tests/schema/engine/test_engine.py fails when an installed release is of another minor
series than `WRITTEN_FOR` says (patch releases pass: they fix, they do not rename), when
a listed name no longer resolves (in any release), and when a module outside this
package reaches for a private name. After a minor upgrade: re-read each listed name in
the new release, run the whole suite and `make bench`, then update `WRITTEN_FOR`.

- `execution`: the GraphQL schema under Strawberry's, document validation, the node id
  attribute, and the lean operation path (`LeanSchema`).
- `extensions`: Strawberry schema extensions run on the lean path (every hook:
  on_operation, on_parse, on_validate, on_execute, resolve, get_results), and the
  operation hooks run as a Strawberry extension when the lean path is off.
- `joins`: foreign keys joined although their target type has a visibility rule, where
  the parent's rule implies the target's (`joined()`); a choice of the optimizer a
  schema installs, though strawberry-django's decision is replaced process-wide (the
  module says why it must be).
- `optimizer`: strawberry-django's optimizer, installed per operation, with one change
  of plan for fields that answer a single object.
- `plans`: the optimizer's plans, cached per document, field, viewer kind and the
  variables under the field; made for a stand-in viewer, so none carries a person's.
- `keyset`: a list's sort key as the SQL compiler orders by it, keyset filters, and
  windows that cut each parent's page of a prefetch by key.
- `prefetch_pages`: one page per parent cut inside the optimizer's prefetch.
- `plain_fields`: fields that only read a value (an attribute, a loaded column, a
  Node's id) answered by the execution context without a resolver call.
- `switches`: which of the pieces run.

The engine makes answers faster; it never decides them. Each piece has a switch
(settings from the environment; GRAPHQL_ENGINE=0 turns every one off), and off, the
library's own behaviour takes its place:

- GRAPHQL_ENGINE_LEAN_PATH (`LeanSchema`'s own path): off, Strawberry's `execute_sync`
  and extension runner, the operation hooks run as its last extension;
- GRAPHQL_ENGINE_PLANS (cached plans): off, strawberry-django plans each field on each
  request (as with GRAPHQL_OPTIMIZER_PLAN_CACHE=0);
- GRAPHQL_ENGINE_JOINS (`joined()` foreign keys): off, a prefetch per such relation, as
  strawberry-django plans it: one statement more each;
- GRAPHQL_ENGINE_PLAIN_FIELDS (plain fields read directly): off, each goes through its
  Strawberry resolver wrapper;
- GRAPHQL_ENGINE_PAGES (per-parent page cuts): off, each parent's nested page is fetched
  when it is resolved: a statement per parent.

`make test-engine-off` runs the GraphQL tests with all of them off; only tests marked
`engine` (the plan cache's internals, counts only per-parent cuts reach) are left out.

Schema extensions: `Schema(extensions=[...])` in schema/__init__.py (classes, as
Strawberry takes them: an instance per operation). They run on both paths in
Strawberry's order, the operation hooks inside them (the log line is written before
any `on_operation` exits); parsing and validation stay the app's, cached and limited,
so validation rules an extension adds are not run. One empty extension costs the lean
path what bench/scenarios/trivial.py's `trivial_extension` line says. docs/engine.md
says more.
"""

# Minor series, not releases: a patch release (a Django security fix) passes, a minor
# one fails the guard test until its names are re-read. Last read against 0.327.7,
# 0.91.0, 3.2.14, 1.14.6 and 5.2.19.
WRITTEN_FOR = {
    "strawberry-graphql": "0.327",
    "strawberry-graphql-django": "0.91",
    "graphql-core": "3.2",
    "django-storages": "1.14",
    "django": "5.2",  # plans.py and optimizer.py lean on QuerySet internals too
}

# The modules (of this package and outside it) that declare PRIVATE_NAMES.
FENCED_MODULES = (
    "schema.engine.execution",
    "schema.engine.extensions",
    "schema.engine.joins",
    "schema.engine.keyset",
    "schema.engine.optimizer",
    "schema.engine.plain_fields",
    "schema.engine.prefetch_pages",
    "schema.engine.plans",
    "media_graph.storage.s3",
    "project.budgets",
)
