"""Every Node type is a VisibleNode: visibility and the ID attribute are inherited, not copied.

A Node type without it would serve drafts through `node`, lists and nested fields (no
`get_queryset`), and make Strawberry look for a NodeID annotation on every `id` it
resolves (no `_id_attr`): a sixth of a feed request (bench/RESULTS.md).
"""

from strawberry import relay
from strawberry.types.base import StrawberryObjectDefinition

from schema import schema
from schema.core.common import VisibleNode


def node_types() -> list[type]:
    return [
        definition.definition.origin
        for definition in schema.schema_converter.type_map.values()
        if isinstance(definition.definition, StrawberryObjectDefinition)
        and not definition.definition.is_interface
        and isinstance(definition.definition.origin, type)
        and issubclass(definition.definition.origin, relay.Node)
    ]


def test_every_node_type_is_a_visible_node():
    types = {cls.__name__: cls for cls in node_types()}
    assert set(types) >= {"User", "Photo", "Tag", "Comment", "Album"}
    assert [name for name, cls in types.items() if not issubclass(cls, VisibleNode)] == []


def test_no_node_type_replaces_the_visibility_rule_or_the_id_attribute():
    for cls in node_types():
        assert "get_queryset" not in cls.__dict__, cls
        assert "_id_attr" not in cls.__dict__, cls
        assert cls.resolve_id_attr() == "pk", cls


def test_the_rule_is_the_models_visible_to(alice, bob):
    from media_graph.models import Photo as PhotoModel
    from tests.support.factories import photo_row

    draft = photo_row(alice, published=False)
    published = photo_row(alice)

    class Context:
        def __init__(self, viewer):
            self.viewer = viewer

    class Info:
        def __init__(self, viewer):
            self.context = Context(viewer)

    Photo = next(cls for cls in node_types() if cls.__name__ == "Photo")
    rows = PhotoModel.objects.all()
    assert set(Photo.get_queryset(rows, Info(bob))) == {published}
    assert set(Photo.get_queryset(rows, Info(alice))) == {draft, published}
