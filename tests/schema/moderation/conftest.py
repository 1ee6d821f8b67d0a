import pytest

from users.models import User


@pytest.fixture
def carol(make_user) -> User:
    return make_user("carol")
