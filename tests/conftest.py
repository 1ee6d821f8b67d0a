import pytest
from django.core.cache import cache

from tests.client import GraphQLClient
from users.models import User

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login throttling counts in the cache; every test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gql(db) -> GraphQLClient:
    return GraphQLClient()


@pytest.fixture
def make_user(db):
    def make(username: str = "alice", **fields) -> User:
        fields.setdefault("email", f"{username}@example.com")
        fields.setdefault("display_name", username.title())
        return User.objects.create_user(username=username, password=PASSWORD, **fields)

    return make


@pytest.fixture
def alice(make_user) -> User:
    return make_user("alice")


@pytest.fixture
def bob(make_user) -> User:
    return make_user("bob")


TOKEN_AUTH = """
mutation Login($username: String!, $password: String!) {
  tokenAuth(username: $username, password: $password) {
    token refreshToken payload refreshExpiresIn
  }
}
"""


@pytest.fixture
def login(gql):
    """Sign a user in through the API and make the client send the token from then on."""

    def sign_in(user: User, client: GraphQLClient | None = None) -> dict:
        client = client or gql
        tokens = client.execute(
            TOKEN_AUTH, {"username": user.username, "password": PASSWORD}, headers={}
        ).data["tokenAuth"]
        client.token = tokens["token"]
        return tokens

    return sign_in
