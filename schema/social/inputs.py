import strawberry


@strawberry.input
class PhotoRefInput:
    photo_id: strawberry.ID


@strawberry.input
class AddCommentInput:
    photo_id: strawberry.ID
    text: str


@strawberry.input
class UserRefInput:
    username: str
