"""schema.graphql is the committed SDL; it must match what the server serves."""

from pathlib import Path

from django.conf import settings

from schema import schema

SDL = Path(settings.BASE_DIR) / "schema.graphql"


def test_committed_sdl_is_current():
    assert SDL.read_text() == schema.as_str() + "\n", "schema.graphql is stale: run `make schema`"
