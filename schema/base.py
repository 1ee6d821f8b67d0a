import strawberry
import strawberry_django
from strawberry import relay


@strawberry.type
class Query:
    node: relay.Node | None = strawberry_django.node()
