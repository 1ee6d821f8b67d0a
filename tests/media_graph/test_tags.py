import pytest

from media_graph.tags import normalize_tag, parse_tags


@pytest.mark.parametrize(
    ("caption", "tags"),
    [
        ("", []),
        ("no tags here", []),
        ("#One #two #ONE", ["one", "two"]),
        ("#sunset, #beach! #beach.", ["sunset", "beach"]),
        ("#東京 #Ünïcödé #snake_case #2024", ["東京", "ünïcödé", "snake_case", "2024"]),
        ("email@example.com and a#b and ##double", []),  # a tag starts a word
        ("#hy-phen", ["hy"]),
        ("#" + "x" * 65, []),
    ],
)
def test_parse_tags(caption, tags):
    assert parse_tags(caption) == tags


@pytest.mark.parametrize(("typed", "stored"), [("#Sunset", "sunset"), (" SUNSET ", "sunset")])
def test_normalize_tag(typed, stored):
    assert normalize_tag(typed) == stored
