import pytest

from tests.schema.media.reading import VIEWERS
from tests.support.client import GraphQLClient


@pytest.fixture
def viewers(login, alice, bob, media) -> dict[str, GraphQLClient]:
    """One client per point of view (alice, bob, anonymous), each with its own token."""
    clients = {name: GraphQLClient() for name in VIEWERS}
    login(alice, clients["alice"])
    login(bob, clients["bob"])
    return clients
