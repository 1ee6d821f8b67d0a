import strawberry
import strawberry_django

from schema.context import require_viewer_or_error, viewer_of
from schema.users.types import User
from users import models


@strawberry.type
class Query:
    @strawberry_django.field(
        description=(
            "The signed-in viewer; null when anonymous. A token that is sent but bad "
            "(expired, tampered) answers an UNAUTHENTICATED error, so clients know to refresh."
        )
    )
    def me(self, info: strawberry.Info) -> User | None:
        viewer = viewer_of(info)
        if viewer.is_authenticated:
            return viewer
        if info.context.token_error:
            require_viewer_or_error(info)
        return None

    @strawberry_django.field
    def user(self, info: strawberry.Info, username: str) -> User | None:
        users = User.get_queryset(models.User.objects.all(), info)
        return users.named(username).first()
