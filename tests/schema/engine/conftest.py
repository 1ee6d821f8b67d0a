import pytest

SWITCHES = (
    "GRAPHQL_ENGINE",
    "GRAPHQL_ENGINE_LEAN_PATH",
    "GRAPHQL_ENGINE_PLANS",
    "GRAPHQL_ENGINE_JOINS",
    "GRAPHQL_ENGINE_PAGES",
    "GRAPHQL_ENGINE_PLAIN_FIELDS",
)


@pytest.fixture
def engine_on(settings):
    """Every piece of the engine on, whatever the environment says: for tests that turn
    pieces off themselves (and so run under `make test-engine-off` too)."""
    for name in SWITCHES:
        setattr(settings, name, True)
