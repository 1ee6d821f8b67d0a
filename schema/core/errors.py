"""Where failures get their codes: mutation payloads and top-level GraphQL errors.

Services raise Django's ValidationError(code=...), PermissionDenied and
ObjectDoesNotExist; `DomainErrors` turns those into `OperationInfo` with the
contract's codes. Anything else that escapes a resolver is a top-level error whose
`extensions.code` comes from `code_errors` (schema/server/error_codes.py).
"""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry_django.fields.types import OperationInfo, OperationMessage

from project.codes import DJANGO_VALIDATOR_CODES, ErrorCode, PayloadCode
from project.errors import DuplicatePhoto
from schema.core.nodes import global_id
from schema.engine.execution import camel_case

_PAYLOAD_CODES = frozenset(code.value for code in PayloadCode)


class UnknownErrorCode(RuntimeError):
    """A service raised a code clients were never told about: a bug, not a client error."""


class AuthenticationRequired(PermissionDenied):
    """The operation needs a signed-in viewer."""


class NotFound(ObjectDoesNotExist):
    """An object that does not exist or that the viewer may not see (the two look alike)."""

    def __init__(self, message: str = "Not found.", *, field: str | None = None):
        super().__init__(message)
        self.field = field


class ClientError(GraphQLError):
    """A top-level error caused by the request, answered with an Apollo-style code."""

    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str):
        super().__init__(message, extensions={"code": self.code})


class BadUserInput(ClientError):
    code = ErrorCode.BAD_USER_INPUT


class Unauthenticated(ClientError):
    code = ErrorCode.UNAUTHENTICATED


class RateLimited(ClientError):
    """Refused for a rate or budget: `extensions.retryAfter` says when to try again, and
    over HTTP the answer is a 429 with `Retry-After` (schema/server/view.py)."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.extensions = {**self.extensions, "retryAfter": max(1, retry_after)}


def payload_code(code: str | None) -> PayloadCode:
    """The contract's code for a ValidationError's code; anything unknown is a bug."""
    if code in _PAYLOAD_CODES:
        return PayloadCode(code)
    if code in DJANGO_VALIDATOR_CODES:
        return PayloadCode.INVALID
    raise UnknownErrorCode(f"no payload code for {code!r}: add it to project.codes or fix it")


def _validation_messages(
    error: ValidationError, input_fields: dict[str, str]
) -> Iterator[OperationMessage]:
    kind = OperationMessage.Kind.VALIDATION
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                yield OperationMessage(
                    kind=kind,
                    message=" ".join(item.messages),
                    field=None if field == NON_FIELD_ERRORS else _input_field(field, input_fields),
                    code=payload_code(item.code),
                )
    else:
        for item in error.error_list:
            yield OperationMessage(
                kind=kind,
                message=" ".join(item.messages),
                code=payload_code(item.code),
            )


def _input_field(model_field: str, input_fields: dict[str, str]) -> str:
    return input_fields.get(model_field) or camel_case(model_field)


def operation_info(error: Exception, input_fields: dict[str, str] | None = None) -> OperationInfo:
    """The payload's messages for a service's failure.

    Services name the model fields at fault (`original`, `cover`); `input_fields` maps
    those to the input fields a client sent (`file`, `coverPhotoId`); any other name is
    its camelCase.
    """
    if isinstance(error, DuplicatePhoto):
        error = _naming_the_existing(error)
    if isinstance(error, ValidationError):
        return OperationInfo(messages=list(_validation_messages(error, input_fields or {})))
    if isinstance(error, AuthenticationRequired):
        message = str(error) or "You must be signed in."
        code = PayloadCode.UNAUTHENTICATED
    elif isinstance(error, PermissionDenied):
        message = str(error) or "You may not do this."
        code = PayloadCode.PERMISSION_DENIED
    else:
        message = str(error) or "Not found."
        code = PayloadCode.NOT_FOUND
    return OperationInfo(
        messages=[
            OperationMessage(
                kind=OperationMessage.Kind.PERMISSION
                if isinstance(error, PermissionDenied)
                else OperationMessage.Kind.ERROR,
                message=message,
                field=getattr(error, "field", None),
                code=code,
            )
        ]
    )


def _naming_the_existing(error: DuplicatePhoto) -> ValidationError:
    """`duplicate` naming the photo that has these bytes already, by its global ID."""
    existing = global_id("Photo", error.existing.pk)
    message = f"{DuplicatePhoto.MESSAGE.removesuffix('.')}: {existing}."
    return ValidationError({error.field: ValidationError(message, code=PayloadCode.DUPLICATE)})


class DomainErrors(FieldExtension):
    """Expected failures of a mutation become its `OperationInfo` member."""

    def __init__(self, input_fields: dict[str, str] | None = None) -> None:
        self.input_fields = input_fields or {}

    def resolve(self, next_, source: Any, info, **kwargs) -> Any:
        try:
            return next_(source, info, **kwargs)
        except (ValidationError, PermissionDenied, ObjectDoesNotExist) as exc:
            return operation_info(exc, self.input_fields)
