"""The password of every user the tests make, and signing in with it (tokenAuth)."""

PASSWORD = "correct-horse-battery-staple"

TOKEN_AUTH = """
mutation Login($username: String!, $password: String!) {
  tokenAuth(username: $username, password: $password) {
    token refreshToken payload refreshExpiresIn
  }
}
"""


def token_auth(gql, username, password, **kwargs):
    return gql.execute(TOKEN_AUTH, {"username": username, "password": password}, **kwargs)
