"""The GraphQL schema under Strawberry's, validation, the node id, and the lean operation path.

`LeanSchema.execute_sync` does what Strawberry's does for this app, minus the extension
runner: it builds Strawberry's ExecutionContext, lets the app's operation hooks parse,
validate and limit it (through their caches) and wrap it (optimizer, log line), refuses
the operation types the transport forbids exactly as Strawberry does, then calls
graphql-core's `execute` with Strawberry's execution context class, and hands every
error to `process_errors`. The runner it skips cost a context manager per hook per
extension on every operation: more than executing `{ me { id } }` (bench/RESULTS.md).
It takes no Strawberry schema extensions.
"""

from collections.abc import Callable, Iterable
from typing import Any

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSchema, execute
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES, validate_document
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.str_converters import to_camel_case

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


class OperationHooks:
    """What the app runs around each operation (schema/server/operations.py is one)."""

    check: Callable[[ExecutionContext], list[GraphQLError]]
    run: Callable[[ExecutionContext, Callable[[], ExecutionResult]], ExecutionResult]


class LeanSchema(strawberry.Schema):
    def __init__(self, *args: Any, operation: OperationHooks, **kwargs: Any) -> None:
        if kwargs.get("extensions"):
            # They would never run: per-operation work belongs in the operation hooks.
            raise TypeError("LeanSchema runs no Strawberry schema extensions.")
        super().__init__(*args, **kwargs)
        self.operation = operation

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
        return self.operation.run(context, lambda: self._run(context))

    async def execute(self, query: str | None, *args: Any, **kwargs: Any) -> ExecutionResult:
        # Every resolver here is synchronous: the same path, so the same guards.
        return self.execute_sync(query, *args, **kwargs)

    def _run(self, context: ExecutionContext) -> ExecutionResult:
        try:
            errors = self.operation.check(context)
        except GraphQLError as error:  # refused before there is a document
            return self._refused(context, [error])
        try:
            operation_type = context.operation_type
        except RuntimeError as error:  # no operation of that name
            raise CannotGetOperationTypeError(context.operation_name) from error
        if operation_type not in context.allowed_operations:
            raise InvalidOperationTypeError(operation_type)  # a mutation over GET
        if errors:
            return self._refused(context, errors)
        # Counters first, when this operation reads them (schema/server/scheduled.py).
        publish_due_before_counting(self._schema, context.query, context.graphql_document)
        result = execute(
            self._schema,
            context.graphql_document,
            root_value=context.root_value,
            context_value=context.context,
            variable_values=context.variables,
            operation_name=context.operation_name,
            execution_context_class=self.execution_context_class,
            is_awaitable=optimized_is_awaitable,
        )
        assert isinstance(result, GraphQLExecutionResult)  # no resolver is async
        context.result = result
        if result.errors:
            context.pre_execution_errors = result.errors
            self._process_errors(result.errors, context)
        return ExecutionResult(data=result.data, errors=result.errors)

    def _refused(self, context: ExecutionContext, errors: list[GraphQLError]) -> ExecutionResult:
        context.pre_execution_errors = errors
        self._process_errors(errors, context)
        result = ExecutionResult(data=None, errors=errors)
        context.result = result
        return result
