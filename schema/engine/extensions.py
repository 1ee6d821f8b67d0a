"""Strawberry schema extensions on the lean path, and the operation hooks on Strawberry's.

- `Phases`: `LeanSchema` runs the schema's extensions (`Schema(extensions=[...])`)
  through Strawberry's own runner, `SchemaExtensionsRunner`, phase by phase, and their
  `resolve` hooks as graphql-core middleware. It is built only for a schema that has
  extensions: without, the lean path pays three `with` statements that do nothing
  (`NO_EXTENSIONS`) and no middleware wraps a field.
- `OperationHooksExtension`: with the lean path switched off (GRAPHQL_ENGINE_LEAN_PATH=0),
  Strawberry's own `execute_sync` runs, and the operation hooks run as the last of its
  extensions, inside every other one's hooks.

Both paths run in the same order: each extension's `on_operation` (in list order) >
the hooks' `begin` > `on_parse` > the hooks' `parse` > the operation's type checked >
`on_validate` > the hooks' `validate` > `on_execute` > execution (every field through
each `resolve` hook) > the hooks' `end` (the log line) > the exits of `on_operation`;
then each extension's `get_results` goes into the answer's `extensions`. Where the app's
own steps differ from Strawberry's: parsing and validation are the app's, cached, with
every limit (a document seen for the first time is validated inside the parse phase,
once, and cached with its errors; `on_validate` then brackets the checks of variables
and cost), so validation rules an extension adds to `execution_context.validation_rules`
are not run, and a document an extension sets in `on_parse` is replaced by the app's.
An extension that sets `execution_context.result` in `on_execute` answers instead of
execution, as under Strawberry.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

PRIVATE_NAMES = (
    "strawberry.schema.schema.Schema._get_middleware_manager",
    "strawberry.schema.schema.Schema.create_extensions_runner",
    "strawberry.schema.schema.Schema.get_extensions",
    # Set on each extension by Strawberry's execute_sync before its hooks run.
    "strawberry.schema.schema:'extension.execution_context = execution_context'",
    # Strawberry refuses an operation without text before its parsing phase...
    "strawberry.schema.schema:'if not context.query and context.graphql_document is None'",
    # ...parses only when no document is set, validates only while no errors are known.
    "strawberry.schema.schema:'if execution_context.graphql_document is not None'",
    "strawberry.schema.schema:'and execution_context.pre_execution_errors is None'",
)

_NOTHING = contextlib.nullcontext()  # reusable: it holds no state


class _NoExtensions:
    """The phases of a schema without extensions: nothing runs around them."""

    middleware = None

    def parsing(self) -> contextlib.AbstractContextManager:
        return _NOTHING

    validation = executing = parsing


NO_EXTENSIONS = _NoExtensions()


class Phases:
    """One operation's extensions: Strawberry's runner for each phase, and the middleware
    that runs their `resolve` hooks around every field."""

    __slots__ = ("middleware", "runner")

    def __init__(self, schema, context: ExecutionContext, extensions: list[SchemaExtension]):
        for extension in extensions:
            extension.execution_context = context  # as Strawberry's execute_sync does
        self.runner = schema.create_extensions_runner(context, extensions)
        self.middleware = schema._get_middleware_manager(extensions)

    def parsing(self) -> contextlib.AbstractContextManager:
        return self.runner.parsing()

    def validation(self) -> contextlib.AbstractContextManager:
        return self.runner.validation()

    def executing(self) -> contextlib.AbstractContextManager:
        return self.runner.executing()


class OperationHooksExtension(SchemaExtension):
    """The schema's operation hooks (`LeanSchema.operation`), run by Strawberry's runner."""

    parsed: Any = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        hooks = context.schema.operation
        started = hooks.begin(context)
        refused = False
        try:
            if not context.query:
                # Sent by its persisted hash alone: Strawberry would refuse it before
                # the parsing phase, so the document is found now.
                self.parsed = hooks.parse(context)
            yield
        except Exception:
            refused = True  # Strawberry answers it (or lets the transport answer it)
            raise
        finally:
            hooks.end(context, started, refused=refused)

    def on_parse(self) -> Iterator[None]:
        if self.parsed is None:
            context = self.execution_context
            self.parsed = context.schema.operation.parse(context)
        yield  # Strawberry parses nothing more: the document is set

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        # Strawberry validates only while no errors are known: [] says there are none.
        context.pre_execution_errors = context.schema.operation.validate(context, self.parsed)
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        context.schema.prepare_execution(context)
        yield
