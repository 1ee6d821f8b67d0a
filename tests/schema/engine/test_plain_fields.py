"""Plain fields read without a resolver call answer exactly as graphql-core's own path.

tests/schema/engine/test_switches.py compares whole answers of the app's schema with the
piece on and off; these pin which fields are plain and the edges: nulls, errors, enums,
and Strawberry extensions that resolve fields.
"""

from enum import Enum

import strawberry
from graphql import ExecutionResult, execute, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema import schema
from schema.engine.execution import graphql_schema
from schema.engine.plain_fields import context_class, plain_fields


def test_the_apps_plain_fields_are_values_and_ids_never_resolvers_or_relations():
    plain = {t.name: set(fields) for t, fields in plain_fields(graphql_schema(schema)).items()}
    assert {"url", "width", "height", "format"} <= plain["Image"]
    assert {"id", "caption", "likesCount", "publishedAt", "kind"} <= plain["Photo"]
    assert {"id", "username"} <= plain["User"]
    # Resolvers, relations, fields with arguments and objects are never plain.
    assert not {"status", "owner", "thumbnail", "tags", "viewerHasLiked"} & plain["Photo"]
    assert "displayName" not in plain["User"]


class Kind(Enum):
    A = "a"


@strawberry.type
class Item:
    name: str
    maybe: str | None
    required: str
    kind: Kind
    count: int


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            Item(name="one", maybe=None, required="x", kind=Kind.A, count=1),
            Item(name="two", maybe="m", required=None, kind=Kind.A, count=2),  # type: ignore[arg-type]
            Item(name="three", maybe="m", required="x", kind="b", count=3),  # type: ignore[arg-type]
            Item(name="four", maybe="m", required="x", kind=Kind.A, count="many"),  # type: ignore[arg-type]
        ]


ITEMS = strawberry.Schema(query=Query)
DOCUMENT = parse("{ items { name alias: maybe required kind count __typename } }")


def run(context_class_) -> ExecutionResult:
    return execute(ITEMS._schema, DOCUMENT, execution_context_class=context_class_)


def test_answers_and_errors_are_graphql_cores_own():
    plain = context_class(ITEMS._schema, StrawberryGraphQLCoreExecutionContext)
    assert set(plain.plain[ITEMS._schema.type_map["Item"]]) == {
        "name",
        "maybe",
        "required",
        "kind",
        "count",
    }
    fast, slow = run(plain), run(StrawberryGraphQLCoreExecutionContext)
    assert fast.data == slow.data
    assert [(e.message, e.path) for e in fast.errors] == [(e.message, e.path) for e in slow.errors]
    # Each kind of refusal is there: a null for a non-null field, an enum value that is
    # not one, an Int that is not a number; the rows around them are answered.
    assert len(slow.errors) == 3
    assert slow.data["items"][1:] == [None, None, None]


def test_the_first_row_is_answered_as_graphql_core_answers_it():
    plain = context_class(ITEMS._schema, StrawberryGraphQLCoreExecutionContext)
    document = parse("{ items { name alias: maybe } }")
    answer = execute(ITEMS._schema, document, execution_context_class=plain)
    assert answer.data == {
        "items": [
            {"name": "one", "alias": None},
            {"name": "two", "alias": "m"},
            {"name": "three", "alias": "m"},
            {"name": "four", "alias": "m"},
        ]
    }


class CountingResolves(SchemaExtension):
    seen: list[str] = []

    def resolve(self, _next, root, info, *args, **kwargs):
        CountingResolves.seen.append(info.field_name)
        return _next(root, info, *args, **kwargs)


def test_an_extension_that_resolves_fields_still_sees_every_field():
    extended = strawberry.Schema(query=Query, extensions=[CountingResolves])
    plain = context_class(extended._schema, StrawberryGraphQLCoreExecutionContext)
    CountingResolves.seen = []
    extended.execution_context_class = plain
    result = extended.execute_sync("{ items { name } }")
    assert [item["name"] for item in result.data["items"]] == ["one", "two", "three", "four"]
    assert CountingResolves.seen.count("name") == 4
