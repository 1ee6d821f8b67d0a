"""The GraphQL schema under Strawberry's, validation, the node id, and the lean operation path.

`LeanSchema.execute_sync` does what Strawberry's does for this app, minus most of the
extension runner: it builds Strawberry's ExecutionContext, lets the app's operation
hooks wrap it (`begin`/`end`: optimizer, SQL count, log line), parse and validate it
(through their caches, with every limit), refuses the operation types the transport
forbids exactly as Strawberry does, then calls graphql-core's `execute` with
Strawberry's execution context class, and hands every error to `process_errors`. The
runner cost a context manager per hook per extension on every operation: more than
executing `{ me { id } }` (bench/RESULTS.md). So it runs only for a schema given
Strawberry extensions, which then run as under Strawberry (schema/engine/extensions.py);
without any, nothing wraps the phases or the fields.

With GRAPHQL_ENGINE_LEAN_PATH off (schema/engine/switches.py), Strawberry's own
`execute_sync` runs instead, the operation hooks as its last extension: the same
answers, slower.
"""

from collections.abc import Iterable
from typing import Any, Protocol

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSchema, execute
from strawberry.exceptions import MissingQueryError
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES, validate_document
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.str_converters import to_camel_case

from project.replica import routing
from schema.engine.extensions import NO_EXTENSIONS, OperationHooksExtension, Phases
from schema.engine.plain_fields import context_class
from schema.engine.switches import switches
from schema.server.scheduled import publish_due_before_counting

PRIVATE_NAMES = (
    "strawberry.schema.schema:'self._schema = GraphQLSchema('",
    "strawberry.schema.schema.validate_document",
    "strawberry.schema.schema.DEFAULT_ALLOWED_OPERATION_TYPES",
    "strawberry.schema.schema:'self.execution_context_class'",
    "strawberry.schema.base.BaseSchema._process_errors",
    "strawberry.execution.optimized_is_awaitable",
    "strawberry.utils.str_converters.to_camel_case",
    "strawberry.relay.types.Node._id_attr",
)

__all__ = ["LeanSchema", "PrimaryKeyId", "camel_case", "graphql_schema", "validate_document"]

camel_case = to_camel_case


def graphql_schema(schema) -> GraphQLSchema:
    """graphql-core's schema behind a Strawberry schema (what validation and cost read)."""
    return schema._schema


class PrimaryKeyId:
    """Mixed into a Node type whose ID is its primary key.

    Said outright: without it Strawberry looks for a NodeID annotation on every `id` it
    resolves and rescans the class each time (about a sixth of a feed request).
    """

    _id_attr = "pk"


class OperationHooks(Protocol):
    """What the app runs around each operation (schema/server/operations.py is one).

    `begin` and `end` bracket the whole operation (`end` runs whatever happened;
    `refused` says an exception ended it); `parse` finds the document (raising
    GraphQLError when the request is refused before there is one); `validate` answers
    the errors that refuse it.
    """

    def begin(self, context: ExecutionContext) -> Any: ...
    def parse(self, context: ExecutionContext) -> Any: ...
    def validate(self, context: ExecutionContext, parsed: Any) -> list[GraphQLError]: ...
    def end(self, context: ExecutionContext, started: Any, *, refused: bool) -> None: ...


# The exceptions the transport answers itself (400, 405), as Strawberry lets them out.
RAISED = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)


class LeanSchema(strawberry.Schema):
    def __init__(self, *args: Any, operation: OperationHooks, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.operation = operation
        self._plain_context = context_class(self._schema, self._execution_context_class)

    @property
    def execution_context_class(self) -> type:
        """graphql-core's execution context for the next operation, on either path: one
        that answers plain fields directly unless GRAPHQL_ENGINE_PLAIN_FIELDS is off."""
        plain = getattr(self, "_plain_context", None)
        if plain is not None and switches().plain_fields:
            return plain
        return self._execution_context_class

    @execution_context_class.setter
    def execution_context_class(self, value: type) -> None:
        self._execution_context_class = value  # Strawberry's __init__ sets it

    def execute_sync(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        # A subscription is a stream: served by live/transports/, never answered at once.
        allowed_operation_types = frozenset(
            allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES
        ) - {OperationType.SUBSCRIPTION}
        if not switches().lean_path:
            # Strawberry's own path; `get_extensions` adds the operation hooks to its runner.
            return super().execute_sync(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        context = ExecutionContext(
            query=query,
            schema=self,
            allowed_operations=allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES,
            context=context_value,
            root_value=root_value,
            variables=variable_values,
            provided_operation_name=operation_name,
            operation_extensions=operation_extensions,
        )
        if not self.extensions:
            return self._answer(context, NO_EXTENSIONS)
        phases = Phases(self, context, strawberry.Schema.get_extensions(self, sync=True))
        try:
            with phases.runner.operation():
                result = self._answer(context, phases)
        except RAISED:
            raise
        except Exception as exc:  # an extension's `on_operation` failed
            result = self._failed(context, exc)
        result.extensions = phases.runner.get_extensions_results_sync()
        return result

    def get_extensions(self, sync: bool = False) -> list[SchemaExtension]:
        # Read by Strawberry's own execution only (the lean path switched off): the
        # operation hooks run there as the last extension, inside every other one's.
        return [*super().get_extensions(sync=sync), OperationHooksExtension()]

    async def execute(self, query: str | None, *args: Any, **kwargs: Any) -> ExecutionResult:
        # Every resolver here is synchronous: the same path, so the same guards.
        return self.execute_sync(query, *args, **kwargs)

    def _answer(self, context: ExecutionContext, phases: Phases) -> ExecutionResult:
        hooks = self.operation
        started = hooks.begin(context)
        refused = False
        try:
            return self._run(context, phases)
        except RAISED:
            refused = True  # an unknown operation, a GET mutation, no document
            raise
        except Exception as exc:
            return self._failed(context, exc)
        finally:
            hooks.end(context, started, refused=refused)

    def _run(self, context: ExecutionContext, phases: Phases) -> ExecutionResult:
        hooks = self.operation
        with phases.parsing():
            try:
                parsed = hooks.parse(context)
            except GraphQLError as error:  # refused before there is a document
                return self._refused(context, [error])
        try:
            operation_type = context.operation_type
        except RuntimeError as error:  # no operation of that name
            raise CannotGetOperationTypeError(context.operation_name) from error
        if operation_type not in context.allowed_operations:
            raise InvalidOperationTypeError(operation_type)  # a mutation over GET
        with phases.validation():
            errors = hooks.validate(context, parsed)
            if errors:
                return self._refused(context, errors)
        with phases.executing():
            if context.result is None:  # else an extension answered (a response cache)
                self._execute(context, phases.middleware)
        result = context.result
        return ExecutionResult(data=result.data, errors=result.errors)

    def prepare_execution(self, context: ExecutionContext) -> None:
        """What must precede executing a valid operation, whichever path runs it."""
        # A mutation reads and writes the primary only (project/replica/).
        routing.operation_type(context.operation_type.value)
        # Counters first, when this operation reads them (schema/server/scheduled.py).
        publish_due_before_counting(self._schema, context.query, context.graphql_document)

    def _execute(self, context: ExecutionContext, middleware) -> None:
        self.prepare_execution(context)
        result = execute(
            self._schema,
            context.graphql_document,
            root_value=context.root_value,
            context_value=context.context,
            variable_values=context.variables,
            operation_name=context.operation_name,
            middleware=middleware,
            execution_context_class=self.execution_context_class,
            is_awaitable=optimized_is_awaitable,
        )
        assert isinstance(result, GraphQLExecutionResult)  # no resolver is async
        context.result = result
        if result.errors:
            context.pre_execution_errors = result.errors
            self._process_errors(result.errors, context)

    def _failed(self, context: ExecutionContext, exc: Exception) -> ExecutionResult:
        # As Strawberry answers anything unexpected before or around execution (a failing
        # extension hook among them): the error, processed. graphql-core answers
        # resolvers' own errors.
        if not isinstance(exc, GraphQLError):
            exc = GraphQLError(str(exc), original_error=exc)
        return self._refused(context, [exc])

    def _refused(self, context: ExecutionContext, errors: list[GraphQLError]) -> ExecutionResult:
        context.pre_execution_errors = errors
        self._process_errors(errors, context)
        result = ExecutionResult(data=None, errors=errors)
        context.result = result
        return result
