"""Global IDs in arguments: parsed here so a bad one is 'not found', never a crash."""

from strawberry import relay

from schema.errors import NotFound


def parse_global_id(value: str, type_name: str) -> int | None:
    """The primary key in a global ID of `type_name`, or None when it is not one."""
    try:
        gid = relay.GlobalID.from_id(value)
    except Exception:  # any malformed ID is simply not an ID of ours
        return None
    if gid.type_name != type_name or not gid.node_id.isdigit():
        return None
    return int(gid.node_id)


def global_id(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def find_visible(node_type, model, value: str, info):
    """The object the viewer may see under this ID, else None (for queries)."""
    pk = parse_global_id(value, node_type.__name__)
    if pk is None:
        return None
    return node_type.get_queryset(model.objects.all(), info).filter(pk=pk).first()


def get_visible(node_type, model, value: str, info, *, field: str = "id"):
    """The object the viewer may see under this ID; anything else is `not_found`."""
    found = find_visible(node_type, model, value, info)
    if found is None:
        raise NotFound(f"No {node_type.__name__.lower()} with this ID.", field=field)
    return found
