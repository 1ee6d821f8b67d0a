"""Every Node type names the attribute its ID comes from.

Without `_id_attr`, Strawberry looks for a NodeID annotation on every `id` it resolves
and rescans the class each time: a sixth of a feed request (bench/RESULTS.md).
"""

from strawberry import relay
from strawberry.types.base import StrawberryObjectDefinition

from schema import schema
from schema.base import PK


def node_types() -> list[type]:
    return [
        definition.definition.origin
        for definition in schema.schema_converter.type_map.values()
        if isinstance(definition.definition, StrawberryObjectDefinition)
        and not definition.definition.is_interface
        and isinstance(definition.definition.origin, type)
        and issubclass(definition.definition.origin, relay.Node)
    ]


def test_every_node_type_says_its_id_is_the_primary_key():
    found = {cls.__name__: cls.__dict__.get("_id_attr") for cls in node_types()}
    assert set(found) >= {"User", "Photo", "Tag", "Comment", "Album"}
    assert found == dict.fromkeys(found, PK)
