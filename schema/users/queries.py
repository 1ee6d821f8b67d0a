import strawberry
import strawberry_django

from schema.core.context import Info
from schema.users.types import User
from users import models


@strawberry.type
class Query:
    @strawberry_django.field(
        description=(
            "The signed-in viewer; null when anonymous, and for an access token without "
            "READ. A token that is sent but bad (expired, tampered, revoked) answers an "
            "UNAUTHENTICATED error, so clients know to refresh."
        )
    )
    def me(self, info: Info) -> User | None:
        # The request's own User, with no query: the fields relative to the viewer know
        # their answer for the viewer themself (schema.users.types).
        viewer = info.context.viewer
        if viewer.is_authenticated:
            return viewer
        if info.context.token_error:
            info.context.viewer_or_graphql_error()
        return None

    @strawberry_django.field
    def user(self, username: str) -> User | None:
        # Rows, not a row: the field applies visibility and the optimizer, then takes one.
        return models.User.objects.named(username)
