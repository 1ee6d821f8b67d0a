"""GraphQL documents shared by the token tests."""

ME = "query { me { username } }"
REFRESH = """
mutation($refreshToken: String!) {
  refreshToken(refreshToken: $refreshToken) { token refreshToken payload refreshExpiresIn }
}
"""
REVOKE = "mutation($refreshToken: String!) { revokeToken(refreshToken: $refreshToken) { revoked } }"
