"""Cursors: a row's sort key and the list it belongs to, signed.

A cursor is opaque to clients: URL-safe base64 of a JSON array (the list's key digest,
then each key value) and a truncated HMAC of it under SECRET_KEY. The signature is why
no value in a cursor needs bounds of its own: the server only reads back keys it wrote.
A cursor of another list (another order or another kind of row), an edited one, or one
signed before a SECRET_KEY rotation is `BAD_USER_INPUT`; the client starts over.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from schema.core.errors import BadUserInput
from schema.engine.keyset import Order

SALT = "schema.core.cursors"
SIGNATURE_BYTES = 12  # 96 bits: forging one takes 2**95 tries on average
# The longest cursor this API gives out is far below this; longer input is not read.
MAX_CURSOR_LENGTH = 512
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    # As salted_hmac derives it, once per SECRET_KEY instead of once per cursor.
    return hashlib.sha256((SALT + secret).encode()).digest()


def _signature(payload: bytes) -> bytes:
    mac = hmac.new(_key(settings.SECRET_KEY), payload, hashlib.sha256)
    return mac.digest()[:SIGNATURE_BYTES]


def _plain(value):
    # Times as integer microseconds: exact, and shorter than ISO 8601.
    if isinstance(value, datetime):
        return (value - EPOCH) // timedelta(microseconds=1)
    if isinstance(value, int | str):
        return value
    raise TypeError(f"a sort key of type {type(value).__name__} has no cursor form")


def _typed(value, field: models.Field):
    if isinstance(field, models.DateTimeField):
        if type(value) is not int:
            raise ValueError(value)
        return EPOCH + timedelta(microseconds=value)
    if type(value) not in (int, str):
        raise ValueError(value)
    return field.to_python(value)


def encode(order: Order, key: list) -> str:
    payload = json.dumps([order.digest, *map(_plain, key)], separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_signature(payload))}"


def decode(cursor: str, order: Order, argument: str) -> list:
    """The key a cursor names, for a list in this order; BAD_USER_INPUT otherwise."""
    refused = BadUserInput(f"'{argument}' is not a cursor of this list.")
    if len(cursor) > MAX_CURSOR_LENGTH or cursor.count(".") != 1:
        raise refused
    payload_text, signature_text = cursor.split(".")
    try:
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except (binascii.Error, ValueError):
        raise refused from None
    if not hmac.compare_digest(signature, _signature(payload)):
        raise refused
    try:
        digest, *values = json.loads(payload)
        if digest != order.digest or len(values) != len(order.parts):
            raise ValueError(digest)
        return [
            _typed(value, part.output_field)
            for value, part in zip(values, order.parts, strict=True)
        ]
    except (ValueError, TypeError, OverflowError, ValidationError):
        raise refused from None
