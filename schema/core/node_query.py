import strawberry
from strawberry import relay

from schema.core.context import Info
from schema.core.nodes import parse_any_global_id


@strawberry.type
class Query:
    @strawberry.field(
        description=(
            "Any object by its global ID: null when the ID is malformed, names an unknown "
            "type, or names nothing the viewer may see."
        )
    )
    def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        # Not strawberry_django.node(): that one parses the ID as a GlobalID argument and
        # answers every malformed or unknown-type ID with an internal error.
        parsed = parse_any_global_id(id)
        if parsed is None:
            return None
        type_name, pk = parsed
        origin = getattr(info.schema.get_type_by_name(type_name), "origin", None)
        if not (isinstance(origin, type) and issubclass(origin, relay.Node)):
            return None
        return strawberry.cast(origin, origin.resolve_node(str(pk), info=info, required=False))
