# The media tests' points of view (alice, bob, anonymous), each with its own token.
from tests.schema.media.conftest import viewers  # noqa: F401
