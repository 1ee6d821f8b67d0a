"""Error codes: the contract's lists are the enums, and an unknown code is a bug, not `invalid`."""

import re

import pytest
from django.core.exceptions import ValidationError

from project.codes import ErrorCode, PayloadCode
from schema.core.errors import UnknownErrorCode, operation_info
from tests.schema.test_contract import CONTRACT

needs_contract = pytest.mark.skipif(not CONTRACT.exists(), reason="contract not beside")


def contract_list(after: str, until: str) -> set[str]:
    text = CONTRACT.read_text()
    section = text[text.index(after) : text.index(until, text.index(after))]
    return set(re.findall(r"[A-Za-z_]+", section.removeprefix(after)))


@needs_contract
def test_payload_codes_are_the_contracts():
    assert {c.value for c in PayloadCode} == contract_list(
        "`messages[].code` is one of:", "#   and"
    )


@needs_contract
def test_top_level_codes_hold_the_contracts():
    listed = contract_list("extensions.code` in Apollo's vocabulary:", "Outside DEBUG")
    assert listed <= {c.value for c in ErrorCode}


def test_a_code_nobody_defined_is_a_programming_error():
    with pytest.raises(UnknownErrorCode, match="no payload code for 'duplicat'"):
        operation_info(ValidationError({"name": ValidationError("x", code="duplicat")}))


@pytest.mark.parametrize(
    ("raised", "answered"), [("max_length", "invalid"), ("duplicate", "duplicate")]
)
def test_django_validator_codes_are_invalid_and_ours_are_themselves(raised, answered):
    info = operation_info(ValidationError({"title": ValidationError("x", code=raised)}))
    assert [(m.field, m.code) for m in info.messages] == [("title", answered)]
