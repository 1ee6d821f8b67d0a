"""The served schema holds the contract: add, never drift.

The contract travels with the code as docs/api-contract.graphql; where the steering
repository's shared/ folder sits beside the checkout, the copy must be its contract.
"""

from pathlib import Path

import pytest
from django.conf import settings
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    build_schema,
)

from schema import schema

CONTRACT = Path(settings.BASE_DIR) / "docs" / "api-contract.graphql"
SHARED = Path(settings.BASE_DIR).parent / "shared" / "api-contract.graphql"

# What the contract names that is not built yet, each entry removed by the issue that
# builds it. An entry that is built already fails the test, so this list only shrinks.
PENDING: set[str] = {
    # Account export, storage quotas, large uploads (issue 30)
    "ExportStatus", "AccountExport", "AccountExportEdge", "AccountExportConnection",
    "AccountExportPayload", "User.storageUsedBytes", "User.storageQuotaBytes",
    "UploadPart", "UploadTarget.parts", "UploadProgress", "FinishedPartInput",
    "FinalizePhotoUploadInput.parts", "Query.uploadProgress", "Query.accountExports",
    "Mutation.exportAccount",
}  # fmt: skip


def contract_items():
    contract = build_schema(CONTRACT.read_text())
    served = build_schema(schema.as_str())
    for name, expected in contract.type_map.items():
        if name.startswith("__"):
            continue
        yield name, expected, served.type_map.get(name)


def drift(name, expected, actual) -> list[str]:
    """How `actual` falls short of `expected`, as a list of 'what: why' lines."""
    if actual is None:
        return [] if name in PENDING else [f"{name}: missing"]
    if type(actual) is not type(expected):
        return [f"{name}: is a {type(actual).__name__}, not a {type(expected).__name__}"]
    problems = []
    if isinstance(expected, GraphQLEnumType):
        problems += [
            f"{name}.{v}: missing"
            for v in expected.values
            if v not in actual.values and f"{name}.{v}" not in PENDING
        ]
    if isinstance(expected, GraphQLUnionType):
        want = {t.name for t in expected.types}
        have = {t.name for t in actual.types}
        if want != have:
            problems.append(f"{name}: members {sorted(have)}, not {sorted(want)}")
    if isinstance(expected, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
        for field_name, field in expected.fields.items():
            key = f"{name}.{field_name}"
            mine = actual.fields.get(field_name)
            if mine is None:
                if key not in PENDING:
                    problems.append(f"{key}: missing")
                continue
            if str(mine.type) != str(field.type):
                problems.append(f"{key}: {mine.type}, not {field.type}")
            for arg_name, arg in getattr(field, "args", {}).items():
                my_arg = mine.args.get(arg_name)
                if my_arg is None or str(my_arg.type) != str(arg.type):
                    problems.append(f"{key}({arg_name}): {my_arg and my_arg.type}, not {arg.type}")
        if isinstance(expected, GraphQLObjectType):
            want = {i.name for i in expected.interfaces}
            if not want <= {i.name for i in actual.interfaces}:
                problems.append(f"{name}: does not implement {sorted(want)}")
    return problems


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/api-contract.graphql not beside")
def test_the_copy_is_the_shared_contract():
    assert CONTRACT.read_text() == SHARED.read_text(), "copy ../shared/api-contract.graphql"


def test_served_schema_holds_the_contract():
    problems = [p for item in contract_items() for p in drift(*item)]
    assert problems == []


def test_pending_list_names_only_what_is_still_missing():
    served = build_schema(schema.as_str())
    built = set()
    for entry in PENDING:
        type_name, _, member = entry.partition(".")
        found = served.type_map.get(type_name)
        members = getattr(found, "fields", None) or getattr(found, "values", {})
        if found is not None and (not member or member in members):
            built.add(entry)
    assert built == set(), "built now: remove from PENDING"
