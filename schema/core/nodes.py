"""Global IDs in arguments: parsed here so a bad one is 'not found', never a crash."""

from strawberry import relay

# Primary keys are bigints: a larger number names nothing (and PostgreSQL would refuse
# to compare it with the column).
MAX_PK = 2**63 - 1
# Its digits: a longer string names nothing either, and is never handed to int(), which
# refuses strings of more than 4,300 digits with a ValueError.
MAX_PK_DIGITS = len(str(MAX_PK))


def parse_any_global_id(value: str) -> tuple[str, int] | None:
    """(type name, primary key) of a global ID, or None when it is not one of ours."""
    try:
        gid = relay.GlobalID.from_id(value)
    except Exception:  # any malformed ID is simply not an ID of ours
        return None
    node_id = gid.node_id
    if not (node_id.isascii() and node_id.isdigit()) or len(node_id) > MAX_PK_DIGITS:
        return None
    if not 0 < int(node_id) <= MAX_PK:
        return None
    return gid.type_name, int(node_id)


def parse_global_id(value: str, type_name: str) -> int | None:
    """The primary key in a global ID of `type_name`, or None when it is not one."""
    parsed = parse_any_global_id(value)
    if parsed is None or parsed[0] != type_name:
        return None
    return parsed[1]


def global_id(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def rows_with_id(model, value: str, type_name: str):
    """For a strawberry-django field typed `X | None`: the rows it may answer with.

    Not yet visible-only: the field applies the type's `get_queryset` (visibility) and
    the optimizer, then takes the first row, so a single object comes with its relations
    and annotations like a list's rows do. Mutations use `schema.core.common.find_visible`.
    """
    pk = parse_global_id(value, type_name)
    return model.objects.filter(pk=pk) if pk is not None else model.objects.none()
