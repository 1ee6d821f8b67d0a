from typing import Annotated

import strawberry
from strawberry_django.fields.types import OperationInfo

from media_graph import models
from media_graph.services import comments, likes
from schema.context import require_viewer
from schema.errors import DomainErrors, NotFound
from schema.media.inputs import NodeInput
from schema.media.mutations import DeletePayload, PhotoPayload
from schema.media.types import DeletedNode, Photo
from schema.nodes import get_visible, global_id
from schema.social.inputs import AddCommentInput, PhotoRefInput, UserRefInput
from schema.social.types import Comment
from schema.users.types import User
from users import follows
from users import models as user_models

CommentPayload = Annotated[Comment | OperationInfo, strawberry.union("CommentPayload")]
UserPayload = Annotated[User | OperationInfo, strawberry.union("UserPayload")]


def _photo(info: strawberry.Info, photo_id: str) -> models.Photo:
    return get_visible(Photo, models.Photo, photo_id, info, field="photoId")


def _user(info: strawberry.Info, username: str) -> user_models.User:
    users = User.get_queryset(user_models.User.objects.all(), info)
    found = users.named(username).first()
    if found is None:
        raise NotFound("No user with this username.", field="username")
    return found


def _change_like(info: strawberry.Info, input: PhotoRefInput, *, like: bool) -> models.Photo:
    viewer = require_viewer(info)
    photo = _photo(info, input.photo_id)
    (likes.photo_like if like else likes.photo_unlike)(photo=photo, user=viewer)
    photo.viewer_liked = like  # what Photo.viewerHasLiked reads: no query to ask again
    return photo


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[DomainErrors()], description="Idempotent.")
    def like_photo(self, info: strawberry.Info, input: PhotoRefInput) -> PhotoPayload:
        return _change_like(info, input, like=True)

    @strawberry.mutation(extensions=[DomainErrors()], description="Idempotent.")
    def unlike_photo(self, info: strawberry.Info, input: PhotoRefInput) -> PhotoPayload:
        return _change_like(info, input, like=False)

    @strawberry.mutation(extensions=[DomainErrors()])
    def add_comment(self, info: strawberry.Info, input: AddCommentInput) -> CommentPayload:
        viewer = require_viewer(info)
        photo = _photo(info, input.photo_id)
        return comments.comment_add(photo=photo, author=viewer, text=input.text)

    @strawberry.mutation(
        extensions=[DomainErrors()], description="The author or the photo's owner."
    )
    def delete_comment(self, info: strawberry.Info, input: NodeInput) -> DeletePayload:
        viewer = require_viewer(info)
        comment = get_visible(Comment, models.Comment, input.id, info)
        pk = comments.comment_delete(comment=comment, actor=viewer)
        return DeletedNode(id=global_id("Comment", pk))

    @strawberry.mutation(
        extensions=[DomainErrors()], description="Idempotent; following yourself is `invalid`."
    )
    def follow_user(self, info: strawberry.Info, input: UserRefInput) -> UserPayload:
        viewer = require_viewer(info)
        followee = _user(info, input.username)
        follows.user_follow(follower=viewer, followee=followee)
        followee.viewer_follows = True  # what User.viewerIsFollowing reads
        return followee

    @strawberry.mutation(extensions=[DomainErrors()])
    def unfollow_user(self, info: strawberry.Info, input: UserRefInput) -> UserPayload:
        viewer = require_viewer(info)
        followee = _user(info, input.username)
        follows.user_unfollow(follower=viewer, followee=followee)
        followee.viewer_follows = False
        return followee
