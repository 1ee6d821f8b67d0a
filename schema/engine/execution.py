"""The GraphQL schema under Strawberry's, document validation, and the node id attribute."""

from graphql import GraphQLSchema
from strawberry.schema.schema import validate_document
from strawberry.utils.str_converters import to_camel_case

PRIVATE_NAMES = (
    "strawberry.schema.schema:'self._schema = GraphQLSchema('",
    "strawberry.schema.schema.validate_document",
    "strawberry.utils.str_converters.to_camel_case",
    "strawberry.relay.types.Node._id_attr",
)

__all__ = ["PrimaryKeyId", "camel_case", "graphql_schema", "validate_document"]

camel_case = to_camel_case


def graphql_schema(schema) -> GraphQLSchema:
    """graphql-core's schema behind a Strawberry schema (what validation and cost read)."""
    return schema._schema


class PrimaryKeyId:
    """Mixed into a Node type whose ID is its primary key.

    Said outright: without it Strawberry looks for a NodeID annotation on every `id` it
    resolves and rescans the class each time (about a sixth of a feed request).
    """

    _id_attr = "pk"
