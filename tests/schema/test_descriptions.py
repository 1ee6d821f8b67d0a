"""What the schema tells a client developer reading it in GraphiQL or codegen output."""

from graphql import GraphQLObjectType, build_schema, get_named_type

from schema import schema
from schema.core.connections import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

SDL = build_schema(schema.as_str())


def connection_fields():
    for graphql_type in SDL.type_map.values():
        if isinstance(graphql_type, GraphQLObjectType) and not graphql_type.name.startswith("__"):
            for name, field in graphql_type.fields.items():
                returns = get_named_type(field.type)
                if isinstance(returns, GraphQLObjectType) and "pageInfo" in returns.fields:
                    yield f"{graphql_type.name}.{name}", field


def test_every_list_says_its_order_and_its_page_rules():
    fields = dict(connection_fields())
    assert {"Query.photos", "Query.feed", "User.photos", "Photo.comments"} <= set(fields)
    for name, field in fields.items():
        assert field.description, f"{name} does not say its order"
        first = field.args["first"].description
        assert str(MAX_PAGE_SIZE) in first and str(DEFAULT_PAGE_SIZE) in first, name
        if "last" in field.args:
            assert field.args["last"].description.startswith("The last n items"), name
        assert "after this cursor" in field.args["after"].description, name


def test_token_numbers_say_they_are_unix_times():
    for type_name, field_name in (
        ("ObtainJSONWebToken", "refreshExpiresIn"),
        ("Refresh", "refreshExpiresIn"),
        ("Revoke", "revoked"),
    ):
        description = SDL.type_map[type_name].fields[field_name].description
        assert "Unix time" in description, (type_name, field_name)
