"""A global ID holding a number of thousands of digits names nothing, wherever it is sent.

Python's int() refuses strings of more than 4,300 digits (a ValueError), so such an ID
once answered INTERNAL_SERVER_ERROR from `node`, `photo`, `album` and every mutation
taking an ID. The fields and mutations are found from the schema, so a new one is
covered without being named here.
"""

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    get_named_type,
)

from schema import schema
from tests.support.client import multipart_operation
from tests.support.factories import b64
from tests.support.images import make_jpeg

DIGITS = "1" * 5000
GRAPHQL = schema._schema
NODE_TYPES = sorted(
    name
    for name, kind in GRAPHQL.type_map.items()
    if not name.startswith("__")
    and getattr(kind, "interfaces", None)
    and any(interface.name == "Node" for interface in kind.interfaces)
)
# Values for the required arguments that are not IDs, by scalar.
SCALARS = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2099-01-01T00:00:00Z",
}


def huge_id(type_name: str = "Photo") -> str:
    return b64(f"{type_name}:{DIGITS}")


def _takes_an_id(kind, seen=()) -> bool:
    named = get_named_type(kind)
    if named.name == "ID":
        return True
    if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        return any(_takes_an_id(f.type, (*seen, named.name)) for f in named.fields.values())
    return False


def value_for(kind, name: str, files: dict, path: str):
    """A value for an argument or input field: every ID huge, the rest plausible."""
    required = isinstance(kind, GraphQLNonNull)
    inner = kind.of_type if required else kind
    if isinstance(inner, GraphQLList):
        return [value_for(inner.of_type, name, files, f"{path}.0")]
    named = get_named_type(inner)
    if named.name == "ID":
        return huge_id("Photo" if "photo" in name.lower() else "Album")
    if named.name == "Upload":
        files[path] = ("a.jpg", make_jpeg(40, 30), "image/jpeg")
        return None
    if isinstance(named, GraphQLInputObjectType):
        return {
            field_name: value_for(field.type, field_name, files, f"{path}.{field_name}")
            for field_name, field in named.fields.items()
            if isinstance(field.type, GraphQLNonNull) or _takes_an_id(field.type)
        }
    if isinstance(named, GraphQLEnumType):
        return next(iter(named.values))
    return SCALARS.get(named.name, "x") if required else None


def calls(root) -> list[str]:
    return sorted(name for name, field in root.fields.items() if _takes_an_id_arg(field))


def _takes_an_id_arg(field) -> bool:
    return any(_takes_an_id(argument.type) for argument in field.args.values())


@pytest.mark.parametrize("type_name", NODE_TYPES)
def test_node_answers_null(gql, alice, login, type_name):
    login(alice)
    response = gql.execute("query($id: ID!) { node(id: $id) { id } }", {"id": huge_id(type_name)})
    assert response.status == 200
    assert response.data == {"node": None}


@pytest.mark.parametrize("name", calls(GRAPHQL.query_type))
def test_each_query_field_answers_null(gql, alice, login, name):
    login(alice)
    field = GRAPHQL.query_type.fields[name]
    files: dict = {}
    arguments = {arg: value_for(a.type, arg, files, arg) for arg, a in field.args.items()}
    declared = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    selection = " { __typename }" if field.type and _is_object(field.type) else ""
    response = gql.execute(f"query({declared}) {{ {name}({passed}){selection} }}", arguments)
    assert response.status == 200
    assert not response.body.get("errors"), response.body
    assert response.body["data"][name] in (None, [], {"edges": []}) or "__typename" in str(
        response.body["data"][name]
    )


def _is_object(kind) -> bool:
    return hasattr(get_named_type(kind), "fields")


@pytest.mark.parametrize("name", calls(GRAPHQL.mutation_type))
def test_each_mutation_answers_not_found(gql, alice, login, name):
    login(alice)
    field = GRAPHQL.mutation_type.fields[name]
    files: dict = {}
    arguments = {arg: value_for(a.type, arg, files, arg) for arg, a in field.args.items()}
    declared = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    query = (
        f"mutation({declared}) {{ {name}({passed}) {{ __typename "
        "... on OperationInfo { messages { code field } } } }"
    )
    if files:
        response = multipart_operation(gql, query, arguments, files)
    else:
        response = gql.execute(query, arguments)
    assert response.status == 200, response.body
    assert not response.body.get("errors"), response.body
    payload = response.body["data"][name]
    assert payload["__typename"] == "OperationInfo", payload
    # markNotificationsRead answers any ID that is not a notification's `invalid` on ids.
    assert {message["code"] for message in payload["messages"]} & {"not_found", "invalid"}
