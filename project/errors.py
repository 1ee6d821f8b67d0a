"""Every error a service raises for a client's mistake, made here and nowhere else.

Services raise Django's ValidationError with a code from project.codes (or
PermissionDenied / ObjectDoesNotExist); schema/core/errors.py turns them into the payload's
`OperationInfo`. Errors name the model field at fault (`original`, `sha256`, `key`);
each mutation maps those to its input fields (`payload_mutation(input_fields=...)`).
This module imports only Django's exception classes: no settings, no database layer,
no Celery, so the pure imaging code and the services share it cheaply.
"""

from django.core.exceptions import ValidationError

from project.codes import PayloadCode


def field_error(field: str, message: str, code: str = PayloadCode.INVALID) -> ValidationError:
    """The error a payload reports on one field, with its code (`invalid` unless told)."""
    return ValidationError({field: ValidationError(message, code=code)})


class StorageUnavailable(ValidationError):
    """The storage did not answer in time: `storage_unavailable`, worth another try."""


def storage_unavailable() -> StorageUnavailable:
    return StorageUnavailable(
        "The photo storage is not answering; nothing was saved. Try again shortly.",
        code=PayloadCode.STORAGE_UNAVAILABLE,
    )


class DuplicatePhoto(ValidationError):
    """The owner stored these exact bytes before; `existing` is that photo (a Photo).

    The schema names the existing photo's ID in the message (schema/core/errors.py): one
    answer, whichever upload path met it.
    """

    MESSAGE = "You uploaded this photo already."

    def __init__(self, existing, field: str = "original") -> None:
        super().__init__({field: ValidationError(self.MESSAGE, code=PayloadCode.DUPLICATE)})
        self.existing = existing
        self.field = field
