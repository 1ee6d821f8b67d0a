"""Apollo-style `extensions.code` on every top-level error; unexpected ones logged and masked.

Strawberry hands every error list of an operation to `Schema.process_errors`, whatever
stage failed, so this is the one place that classifies them:
- no document: the query did not parse (GRAPHQL_PARSE_FAILED);
- a document but no result yet: validation refused it (GRAPHQL_VALIDATION_FAILED);
- errors raised on purpose (schema.core.errors.ClientError) carry their own code;
- graphql-core's own errors while executing (variables that do not coerce) are the
  client's (BAD_USER_INPUT);
- anything else escaped a resolver, or a hook before execution (a schema extension's):
  a bug, logged once with its traceback and, outside DEBUG, answered without its
  message (INTERNAL_SERVER_ERROR).
Outside DEBUG no message suggests names ("Did you mean ...?").
"""

import logging
import re

from django.conf import settings
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from project.codes import ErrorCode

logger = logging.getLogger("schema.core.errors")

INTERNAL = ErrorCode.INTERNAL_SERVER_ERROR
MASKED_MESSAGE = "Internal server error."
# graphql-core suggests names it knows ("Did you mean 'status' or 'tags'?") for fields,
# arguments, types, enum values and input fields; outside DEBUG none of them may leak
# the schema. Names never contain '?', so the suggestion ends at the first one.
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def _is_internal(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def _code(error: GraphQLError, execution_context: ExecutionContext) -> str:
    if _is_internal(error) and not error.nodes:
        # An exception tied to no node of the document, before execution: a failing hook
        # (a schema extension's, say). Validation's own (a scalar refusing a literal)
        # point at the literal.
        return INTERNAL
    if execution_context.graphql_document is None:
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if execution_context.result is None:
        return ErrorCode.GRAPHQL_VALIDATION_FAILED
    return INTERNAL if _is_internal(error) else ErrorCode.BAD_USER_INPUT


def _log(error: GraphQLError, execution_context: ExecutionContext) -> None:
    original = error.original_error
    logger.error(
        "Unexpected error in GraphQL operation %s at %s",
        execution_context.operation_name or "<anonymous>",
        ".".join(str(part) for part in error.path or []) or "-",
        exc_info=(type(original), original, original.__traceback__),
    )


def code_errors(errors: list[GraphQLError], execution_context: ExecutionContext) -> None:
    """Set each error's code in place (the list is what the client will be sent)."""
    for error in errors:
        extensions = dict(error.extensions or {})
        if not extensions.get("code"):
            extensions["code"] = _code(error, execution_context)
        error.extensions = extensions
        if not settings.DEBUG and "Did you mean" in error.message:
            error.message = _SUGGESTION.sub("", error.message)
        if extensions["code"] != INTERNAL:
            continue
        if error.original_error is not None:
            _log(error, execution_context)
        if not settings.DEBUG:
            error.message = MASKED_MESSAGE
            error.original_error = None
