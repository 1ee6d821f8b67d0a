import strawberry

from media_graph import models
from media_graph.services import comments, favorites, follows, likes
from schema.core.common import (
    DeletedNode,
    DeletePayload,
    NodeInput,
    find_visible,
    payload_mutation,
    refetch,
)
from schema.core.context import Info, Scope
from schema.core.nodes import global_id
from schema.media.types import Photo, PhotoPayload
from schema.social.inputs import AddCommentInput, PhotoRefInput, UserRefInput
from schema.social.types import Comment, CommentPayload
from schema.users.types import User, UserPayload, find_user

# The follow services name the followee where the client sent a username.
FOLLOW_FIELDS = {"followee": "username"}


def _photo(info: Info, photo_id: str) -> models.Photo:
    return find_visible(Photo, models.Photo, photo_id, info, field="photoId")


def _change_like(info: Info, photo_id: str, change) -> models.Photo:
    """A like or a favorite, added or taken back: the photo as the viewer now sees it."""
    viewer = info.context.viewer_or_payload_error(Scope.SOCIAL)
    photo = _photo(info, photo_id)
    change(photo=photo, user=viewer)
    return refetch(Photo, photo, info)


@strawberry.type
class Mutation:
    @payload_mutation(description="Idempotent.")
    def like_photo(self, info: Info, input: PhotoRefInput) -> PhotoPayload:
        return _change_like(info, input.photo_id, likes.photo_like)

    @payload_mutation(description="Idempotent.")
    def unlike_photo(self, info: Info, input: PhotoRefInput) -> PhotoPayload:
        return _change_like(info, input.photo_id, likes.photo_unlike)

    @payload_mutation(description="Idempotent; private to the viewer.")
    def favorite_photo(self, info: Info, input: PhotoRefInput) -> PhotoPayload:
        return _change_like(info, input.photo_id, favorites.photo_favorite)

    @payload_mutation(description="Idempotent.")
    def unfavorite_photo(self, info: Info, input: PhotoRefInput) -> PhotoPayload:
        return _change_like(info, input.photo_id, favorites.photo_unfavorite)

    @payload_mutation()
    def add_comment(self, info: Info, input: AddCommentInput) -> CommentPayload:
        viewer = info.context.viewer_or_payload_error(Scope.SOCIAL)
        photo = _photo(info, input.photo_id)
        comment = comments.comment_add(photo=photo, author=viewer, text=input.text)
        return refetch(Comment, comment, info)

    @payload_mutation(description="The author or the photo's owner.")
    def delete_comment(self, info: Info, input: NodeInput) -> DeletePayload:
        viewer = info.context.viewer_or_payload_error(Scope.SOCIAL)
        comment = find_visible(Comment, models.Comment, input.id, info)
        pk = comments.comment_delete(comment=comment, actor=viewer)
        return DeletedNode(id=global_id("Comment", pk))

    @payload_mutation(
        input_fields=FOLLOW_FIELDS, description="Idempotent; following yourself is `invalid`."
    )
    def follow_user(self, info: Info, input: UserRefInput) -> UserPayload:
        viewer = info.context.viewer_or_payload_error(Scope.SOCIAL)
        followee = find_user(info, input.username)
        follows.user_follow(follower=viewer, followee=followee)
        return refetch(User, followee, info)

    @payload_mutation(input_fields=FOLLOW_FIELDS)
    def unfollow_user(self, info: Info, input: UserRefInput) -> UserPayload:
        viewer = info.context.viewer_or_payload_error(Scope.SOCIAL)
        followee = find_user(info, input.username)
        follows.user_unfollow(follower=viewer, followee=followee)
        return refetch(User, followee, info)
