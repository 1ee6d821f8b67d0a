import strawberry
import strawberry_django
from strawberry import relay

# Every Node type's ID is the model's primary key. Said outright (as `_id_attr`) because
# Strawberry otherwise looks for a NodeID annotation on each `id` it resolves, and
# without one it rescans the class every time: about a sixth of a feed request.
PK = "pk"


@strawberry.type
class Query:
    node: relay.Node | None = strawberry_django.node()
