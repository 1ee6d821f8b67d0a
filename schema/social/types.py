from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from media_graph import models
from schema.base import PK
from schema.context import viewer_of

if TYPE_CHECKING:
    from schema.media.types import Photo
    from schema.users.types import User


@strawberry_django.type(models.Comment, name="Comment")
class Comment(relay.Node):
    _id_attr = PK  # see schema.base.PK
    author: Annotated["User", strawberry.lazy("schema.users.types")]
    photo: Annotated["Photo", strawberry.lazy("schema.media.types")]
    text: str
    created_at: datetime

    @classmethod
    def get_queryset(cls, queryset, info: strawberry.Info, **kwargs):
        return queryset.visible_to(viewer_of(info))
