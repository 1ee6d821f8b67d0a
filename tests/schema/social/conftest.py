"""Fixtures shared by the social tests (likes, comments, follows, the feed)."""

import pytest

from media_graph.models import Photo
from tests.support.factories import make_photo
from users.models import User


@pytest.fixture
def carol(make_user) -> User:
    return make_user("carol")


@pytest.fixture
def bobs_photo(bob) -> Photo:
    """A published photo of bob's, made through the services (counters agree)."""
    return make_photo(bob)
