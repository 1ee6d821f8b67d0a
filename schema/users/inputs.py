import strawberry


@strawberry.input
class RegisterInput:
    username: str
    email: str
    password: str = strawberry.field(description="Django's password validators apply.")
    display_name: str | None = None


@strawberry.input
class UpdateProfileInput:
    display_name: str | None = None
    bio: str | None = None
    email_notifications: bool | None = strawberry.field(
        default=None, description="Email for new followers and comments (on by default)."
    )
    is_private: bool | None = strawberry.field(
        default=None,
        description="Following asks first; turning it off approves every pending request.",
    )


@strawberry.input
class DeleteAccountInput:
    password: str = strawberry.field(description="The account's password, asked again.")
