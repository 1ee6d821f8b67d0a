"""search(query:): full text over what the viewer may see, best match first."""

import pytest

from media_graph.services.blocks import user_block
from media_graph.services.photos import photo_update
from tests.schema.library.library import photo_with
from tests.schema.media.reading import READING
from tests.support.client import captions

pytestmark = READING

SEARCH = """
query($q: String!, $first: Int, $after: String) {
  search(query: $q, first: $first, after: $after) {
    edges { node { caption } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def search(client, query, **variables):
    return client.execute(SEARCH, {"q": query, **variables}).data["search"]


def found(client, query) -> list[str]:
    return captions(search(client, query))


def test_a_caption_holding_the_word_twice_ranks_above_one_holding_it_once(viewers, alice, bob):
    # Made first: the newest-first tie-break alone would put it last.
    photo_with(bob, "Dusk, then more dusk over the hills")
    photo_with(alice, "Harbour at dusk")
    photo_with(alice, "Morning fog")
    assert found(viewers["anonymous"], "dusk") == [
        "Dusk, then more dusk over the hills",
        "Harbour at dusk",
    ]


def test_alt_text_and_tags_match_every_word_must(viewers, alice):
    photo_with(alice, "First light #Sunrise", alt_text="A red kayak on a lake")
    photo_with(alice, "Kayak trip")
    client = viewers["bob"]
    assert found(client, "SUNRISE") == ["First light #Sunrise"]
    assert found(client, "#sunrise") == ["First light #Sunrise"]
    assert found(client, "red kayak") == ["First light #Sunrise"]
    assert sorted(found(client, "kayak")) == ["First light #Sunrise", "Kayak trip"]
    assert found(client, "kayak zebra") == []
    assert found(client, "!!!") == []


def test_an_edited_caption_is_searched_at_once(viewers, alice):
    photo = photo_with(alice, "before")
    photo_update(photo=photo, actor=alice, caption="after #edit", alt_text="quiet")
    assert found(viewers["bob"], "before") == []
    assert found(viewers["bob"], "edit quiet") == ["after #edit"]


def test_drafts_blocked_and_private_people_never_match(viewers, alice, bob, make_user):
    photo_with(alice, "alice heron draft", publish=False)
    photo_with(bob, "bob heron")
    carol = make_user("carol", is_private=True)
    photo_with(carol, "carol heron")
    assert found(viewers["anonymous"], "heron") == ["bob heron"]
    # Not even her own draft (search finds what is published); carol's photos are for
    # her approved followers only.
    assert found(viewers["alice"], "heron") == ["bob heron"]
    assert found(viewers["bob"], "heron") == ["bob heron"]
    user_block(blocker=bob, blocked=alice)
    assert found(viewers["alice"], "heron") == []
    assert found(viewers["bob"], "heron") == ["bob heron"]


def test_pages_follow_one_another_by_cursor(viewers, alice):
    for i in range(5, 0, -1):  # the best match first: ids run against the ranks
        photo_with(alice, " ".join(["otter"] * i) + f" {i}")
    client = viewers["bob"]
    first = search(client, "otter", first=2)
    assert captions(first) == ["otter otter otter otter otter 5", "otter otter otter otter 4"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = search(client, "otter", first=10, after=first["pageInfo"]["endCursor"])
    assert captions(rest) == ["otter otter otter 3", "otter otter 2", "otter 1"]
    assert rest["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("", {}),
        ("x" * 201, {}),
        (" ".join(["w"] * 11), {}),
        ("ok", {"first": 101}),
        ("ok", {"first": -1}),
        ("ok", {"after": "not-a-cursor"}),
    ],
)
def test_malformed_queries_are_codes(viewers, query, variables):
    response = viewers["alice"].execute(SEARCH, {"q": query, **variables})
    assert response.error_codes == ["BAD_USER_INPUT"]
