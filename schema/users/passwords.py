"""Passwords and sessions: changePassword, requestPasswordReset, resetPassword,
signOutEverywhere (users/services/passwords.py does the work).

changePassword and signOutEverywhere are a password login's alone (a JWT): like
deleteAccount and access tokens, what concerns the account itself is never an access
token's, with or without the password. Both end the caller's own JWT as well: `Done`
carries no token, and the client signs in again (with the new password).
"""

from typing import Annotated

import strawberry
from strawberry_django.fields.types import OperationInfo

from schema.core.common import payload_mutation
from schema.core.context import PASSWORD_LOGIN, Info
from users.services import passwords


@strawberry.input
class ChangePasswordInput:
    old_password: str
    new_password: str = strawberry.field(description="Django's password validators apply.")


@strawberry.input
class RequestPasswordResetInput:
    email: str


@strawberry.input
class ResetPasswordInput:
    token: str = strawberry.field(description="The `token` of the link that was mailed.")
    new_password: str = strawberry.field(description="Django's password validators apply.")


@strawberry.input
class PasswordInput:
    password: str = strawberry.field(description="The viewer's current password.")


@strawberry.type
class Done:
    ok: bool


DonePayload = Annotated[Done | OperationInfo, strawberry.union("DonePayload")]
DONE = Done(ok=True)


@strawberry.type
class Mutation:
    @payload_mutation(
        description="From a password login (a JWT). Ends every session, this one too: "
        "sign in again with the new password. A wrong oldPassword is `permission_denied`."
    )
    def change_password(self, info: Info, input: ChangePasswordInput) -> DonePayload:
        passwords.user_change_password(
            user=info.context.viewer_or_payload_error(PASSWORD_LOGIN),
            old_password=input.old_password,
            new_password=input.new_password,
            address=info.context.client_address,
        )
        return DONE

    @payload_mutation(
        description="Always ok, whether or not the email is anyone's; mails a link that "
        "works once, for an hour."
    )
    def request_password_reset(self, input: RequestPasswordResetInput) -> DonePayload:
        passwords.user_request_password_reset(email=input.email)
        return DONE

    @payload_mutation(description="Ends every session of the account, as changePassword.")
    def reset_password(self, input: ResetPasswordInput) -> DonePayload:
        passwords.user_reset_password(token=input.token, new_password=input.new_password)
        return DONE

    @payload_mutation(
        description="From a password login (a JWT), with the password: every JWT, refresh "
        "token and access token of the viewer stops working, this one's too."
    )
    def sign_out_everywhere(self, info: Info, input: PasswordInput) -> DonePayload:
        passwords.user_sign_out_everywhere(
            user=info.context.viewer_or_payload_error(PASSWORD_LOGIN),
            password=input.password,
            address=info.context.client_address,
        )
        return DONE
