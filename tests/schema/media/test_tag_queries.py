"""Reading tags: tag(name:), its photos and count, and tags(search:), per viewer."""

import pytest

from media_graph.services.photos import (
    photo_delete,
    photo_publish,
    photo_unpublish,
    photo_update,
)
from tests.schema.media.reading import (
    READING,
    TAG,
    VIEWERS,
    list_photos,
    uploaded_photo,
)
from tests.support.client import captions

pytestmark = READING


def tag_as(client, name: str):
    return client.execute(TAG, {"name": name}).data["tag"]


def counted(client, name: str):
    tag = tag_as(client, name)
    return None if tag is None else (tag["name"], tag["photosCount"])


def test_tag_names_accept_a_hash_and_any_case(viewers, alice):
    uploaded_photo(alice, "evening #SunSet")
    for name in VIEWERS:
        for spelling in ("sunset", "#Sunset", "SUNSET", "#sUnSeT"):
            assert counted(viewers[name], spelling) == ("sunset", 1), (name, spelling)
        assert tag_as(viewers[name], "sun") is None
        assert tag_as(viewers[name], "#") is None


def test_tag_photos_count_follows_publish_unpublish_edits_and_deletes(viewers, alice, bob):
    def counts():
        return {name: counted(viewers[name], "sea") for name in VIEWERS}

    def everyone(value):
        return dict.fromkeys(VIEWERS, value)

    mine = uploaded_photo(alice, "#sea", publish=False)
    # A draft's tags are private, and drafts do not count.
    assert counts() == {"alice": ("sea", 0), "bob": None, "anonymous": None}

    photo_publish(photo=mine, actor=alice)
    assert counts() == everyone(("sea", 1))
    photo_publish(photo=mine, actor=alice)  # publishing twice counts once
    assert counts() == everyone(("sea", 1))

    theirs = uploaded_photo(bob, "#Sea too")
    assert counts() == everyone(("sea", 2))

    photo_update(photo=theirs, actor=bob, caption="no tag now")
    assert counts() == everyone(("sea", 1))
    photo_update(photo=theirs, actor=bob, caption="#SEA again #sea")
    assert counts() == everyone(("sea", 2))
    photo_update(photo=theirs, actor=bob, caption="#sea, same tag, new words")
    assert counts() == everyone(("sea", 2))

    photo_unpublish(photo=mine, actor=alice)
    assert counts() == everyone(("sea", 1))
    photo_unpublish(photo=mine, actor=alice)  # unpublishing twice counts once
    assert counts() == everyone(("sea", 1))
    photo_update(photo=mine, actor=alice, caption="#sea #waves in a draft")
    assert counts() == everyone(("sea", 1))
    assert {name: counted(viewers[name], "waves") for name in VIEWERS} == {
        "alice": ("waves", 0),
        "bob": None,
        "anonymous": None,
    }

    photo_delete(photo=theirs, actor=bob)
    # Only alice's draft carries the tag now: hers to see, nobody else's.
    assert counts() == {"alice": ("sea", 0), "bob": None, "anonymous": None}


def test_a_tag_only_on_someone_elses_draft_is_private(viewers, alice, bob):
    uploaded_photo(alice, "#secret plans", publish=False)
    uploaded_photo(bob, "#public")

    assert counted(viewers["alice"], "#secret") == ("secret", 0)
    assert tag_as(viewers["alice"], "secret")["photos"] == {"totalCount": 0, "edges": []}
    for name in ("bob", "anonymous"):
        assert tag_as(viewers[name], "secret") is None, name
        assert tag_as(viewers[name], "#Secret") is None, name
        assert list_photos(viewers[name], filters={"tags": ["secret"]})["edges"] == [], name
        assert tag_names(viewers[name], search="sec") == [], name


def test_tag_photos_are_published_ones_newest_first(viewers, alice, bob):
    first = uploaded_photo(alice, "#sea one", publish=False)
    uploaded_photo(bob, "#sea two")
    uploaded_photo(alice, "#sea three, a draft", publish=False)
    uploaded_photo(alice, "#sea four")
    uploaded_photo(bob, "no tag")
    photo_publish(photo=first, actor=alice)

    for name in VIEWERS:
        tag = tag_as(viewers[name], "Sea")
        assert (tag["name"], tag["photosCount"]) == ("sea", 3), name
        assert captions(tag["photos"]) == ["#sea one", "#sea four", "#sea two"], name
        assert tag["photos"]["totalCount"] == 3, name
        statuses = {edge["node"]["status"] for edge in tag["photos"]["edges"]}
        assert statuses == {"PUBLISHED"}, name


TAGS = """
query($search: String, $first: Int) {
  tags(search: $search, first: $first) {
    totalCount
    edges { node { name photosCount } }
    pageInfo { hasNextPage }
  }
}
"""


def tags_as(client, **variables) -> dict:
    return client.execute(TAGS, variables).data["tags"]


def tag_names(client, **variables) -> list[str]:
    return [edge["node"]["name"] for edge in tags_as(client, **variables)["edges"]]


@pytest.fixture
def tagged(alice, bob):
    uploaded_photo(alice, "#sun #sea #sky")
    uploaded_photo(bob, "#Sun #sea")
    uploaded_photo(alice, "#sun #sunset")
    uploaded_photo(bob, "#SUNSET #ocean")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_tags_are_most_used_first_then_by_name(viewers, tagged, viewer):
    page = tags_as(viewers[viewer])
    assert [(e["node"]["name"], e["node"]["photosCount"]) for e in page["edges"]] == [
        ("sun", 3),
        ("sea", 2),
        ("sunset", 2),
        ("ocean", 1),
        ("sky", 1),
    ]
    assert page["totalCount"] == 5
    first_two = tags_as(viewers[viewer], first=2)
    assert [e["node"]["name"] for e in first_two["edges"]] == ["sun", "sea"]
    assert first_two["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("sun", ["sun", "sunset"]),
        ("SUN", ["sun", "sunset"]),
        ("#Su", ["sun", "sunset"]),
        ("sunS", ["sunset"]),
        ("s", ["sun", "sea", "sunset", "sky"]),
        ("unset", []),  # a prefix, not a substring
        ("moon", []),
    ],
)
def test_tag_search_is_a_prefix_without_hash_in_any_case(viewers, tagged, viewer, search, expected):
    assert tag_names(viewers[viewer], search=search) == expected
    assert tag_names(viewers[viewer], search=search, first=1) == expected[:1]


def test_tags_without_published_photos_are_not_listed_for_strangers(viewers, alice, bob):
    uploaded_photo(bob, "#sun")
    gone = uploaded_photo(bob, "#gone")
    photo_unpublish(photo=gone, actor=bob)
    uploaded_photo(alice, "#hidden", publish=False)

    def listed(viewer):
        page = tags_as(viewers[viewer])
        return [(e["node"]["name"], e["node"]["photosCount"]) for e in page["edges"]]

    assert listed("anonymous") == [("sun", 1)]
    # The owner of a draft sees its tags (photosCount still counts published photos).
    assert listed("alice") == [("sun", 1), ("hidden", 0)]
    assert listed("bob") == [("sun", 1), ("gone", 0)]
