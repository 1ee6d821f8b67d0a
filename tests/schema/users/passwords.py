"""GraphQL documents and helpers shared by the password and session tests."""

import re

NEW_PASSWORD = "a-fresh-start-in-2026"

CHANGE = """
mutation($input: ChangePasswordInput!) { changePassword(input: $input) {
  __typename ... on Done { ok } ... on OperationInfo { messages { code field } } } }
"""
REQUEST_RESET = """
mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) {
  __typename ... on Done { ok } ... on OperationInfo { messages { code field } } } }
"""
RESET = """
mutation($input: ResetPasswordInput!) { resetPassword(input: $input) {
  __typename ... on Done { ok } ... on OperationInfo { messages { code field } } } }
"""
SIGN_OUT_EVERYWHERE = """
mutation($input: PasswordInput!) { signOutEverywhere(input: $input) {
  __typename ... on Done { ok } ... on OperationInfo { messages { code field } } } }
"""
CREATE_ACCESS_TOKEN = """
mutation { createAccessToken(input: {name: "ci", scopes: [READ, PUBLISH, SOCIAL]}) {
  ... on NewAccessToken { token } } }
"""
OK = {"__typename": "Done", "ok": True}


def token_in(body: str) -> str:
    """The `token` of the reset link in a mail's body."""
    return re.search(r"[?&]token=([^&\s]+)", body).group(1)
