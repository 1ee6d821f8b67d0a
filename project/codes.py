"""Every error code a client can see, in one place: services raise them, the schema answers.

`PayloadCode` is `messages[].code` in mutation payloads (the contract's list, nothing
else); `ErrorCode` is `extensions.code` of top-level errors (Apollo's vocabulary, and
BAD_REQUEST for requests that are not GraphQL at all). A code that is in neither is a
programming error: schema/core/errors.py refuses it instead of answering something plausible.
Plain Python, no Django: media_graph/imaging uses it too.
"""

from enum import StrEnum


class PayloadCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    UNSUPPORTED_FORMAT = "unsupported_format"
    FILE_TOO_LARGE = "file_too_large"
    IMAGE_TOO_LARGE = "image_too_large"
    INVALID_IMAGE = "invalid_image"
    RATE_LIMITED = "rate_limited"
    STORAGE_UNAVAILABLE = "storage_unavailable"


class ErrorCode(StrEnum):
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    BAD_REQUEST = "BAD_REQUEST"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"


# What Django's own validators (model fields, password validation) call their errors:
# to a client each is an `invalid` value.
DJANGO_VALIDATOR_CODES = frozenset(
    {
        "blank",
        "null",
        "required",
        "invalid",
        "invalid_choice",
        "max_length",
        "min_length",
        "max_value",
        "min_value",
        "password_too_short",
        "password_too_common",
        "password_entirely_numeric",
        "password_too_similar",
    }
)
