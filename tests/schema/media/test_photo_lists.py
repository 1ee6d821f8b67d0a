"""Listing photos: photos(...) and user.photos, their order, filters and pages, per viewer."""

from datetime import UTC, datetime

import pytest

from media_graph.models import Photo
from media_graph.services.photos import (
    photo_publish,
)
from tests.schema.media.reading import (
    PHOTOS,
    READING,
    TAG,
    USER_PHOTOS,
    VIEWERS,
    list_photos,
    uploaded_photo,
)
from tests.support.client import captions

pytestmark = READING


@pytest.fixture
def timeline(alice, bob):
    """Published and draft photos whose publishing order differs from creation order."""
    late = uploaded_photo(alice, "alice late", publish=False)  # created first, published last
    uploaded_photo(bob, "bob early")
    uploaded_photo(alice, "alice draft", publish=False)
    uploaded_photo(bob, "bob draft", publish=False)
    uploaded_photo(bob, "bob middle")
    photo_publish(photo=late, actor=alice)


NEWEST_FIRST = {
    # The viewer's drafts sort by when they were made, among the published photos.
    "alice": ["alice late", "bob middle", "alice draft", "bob early"],
    "bob": ["alice late", "bob middle", "bob draft", "bob early"],
    "anonymous": ["alice late", "bob middle", "bob early"],
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_photos_are_newest_first_by_published_at(viewers, timeline, viewer):
    page = list_photos(viewers[viewer])
    assert captions(page) == NEWEST_FIRST[viewer]
    assert page["totalCount"] == len(NEWEST_FIRST[viewer])


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_photos_in_the_order_asked_for(viewers, timeline, viewer, direction):
    page = list_photos(viewers[viewer], order={"publishedAt": direction})
    expected = NEWEST_FIRST[viewer] if direction == "DESC" else NEWEST_FIRST[viewer][::-1]
    assert captions(page) == expected
    assert page["totalCount"] == len(expected)


def test_filter_by_owner_username_in_any_case(viewers, timeline):
    for owner in ("alice", "ALICE", "Alice"):
        assert captions(list_photos(viewers["alice"], filters={"owner": owner})) == [
            "alice late",
            "alice draft",
        ]
        assert captions(list_photos(viewers["bob"], filters={"owner": owner})) == ["alice late"]
        assert captions(list_photos(viewers["anonymous"], filters={"owner": owner})) == [
            "alice late"
        ]
    assert captions(list_photos(viewers["anonymous"], filters={"owner": "BOB"})) == [
        "bob middle",
        "bob early",
    ]
    assert list_photos(viewers["alice"], filters={"owner": "nobody"})["edges"] == []


def test_status_draft_only_ever_matches_the_viewers_own(viewers, timeline):
    draft = {"status": "DRAFT"}
    assert captions(list_photos(viewers["alice"], filters=draft)) == ["alice draft"]
    assert captions(list_photos(viewers["bob"], filters=draft)) == ["bob draft"]
    assert list_photos(viewers["anonymous"], filters=draft) == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }
    # Naming another owner does not reveal their drafts.
    assert list_photos(viewers["alice"], filters={**draft, "owner": "bob"})["edges"] == []

    published = {"status": "PUBLISHED"}
    for name in VIEWERS:
        assert captions(list_photos(viewers[name], filters=published)) == [
            "alice late",
            "bob middle",
            "bob early",
        ], name


def test_tags_filter_needs_all_of_them_with_or_without_hash_in_any_case(viewers, alice, bob):
    uploaded_photo(alice, "both #Sun #sea")
    uploaded_photo(alice, "just #sea")
    uploaded_photo(bob, "#SUN only")
    uploaded_photo(bob, "#sea #sun but a draft", publish=False)

    def tagged(viewer, *tags):
        return captions(list_photos(viewers[viewer], filters={"tags": list(tags)}))

    for name in VIEWERS:
        assert tagged(name, "#SEA", "sun") == (
            ["#sea #sun but a draft", "both #Sun #sea"] if name == "bob" else ["both #Sun #sea"]
        ), name
        assert tagged(name, "#Sun") == (
            ["#sea #sun but a draft", "#SUN only", "both #Sun #sea"]
            if name == "bob"
            else ["#SUN only", "both #Sun #sea"]
        ), name
        assert tagged(name, "sea", "sun", "moon") == [], name
        assert tagged(name, "moon") == [], name


@pytest.fixture
def dated(alice, bob):
    """Three published photos at known times, and a draft of alice's."""
    moments = {
        "january": datetime(2024, 1, 10, 11, 0, tzinfo=UTC),
        "february": datetime(2024, 2, 10, 11, 0, tzinfo=UTC),
        "march": datetime(2024, 3, 10, 11, 0, tzinfo=UTC),
    }
    for caption, moment in moments.items():
        photo = uploaded_photo(alice if caption != "february" else bob, caption)
        Photo.objects.filter(pk=photo.pk).update(published_at=moment)
    uploaded_photo(alice, "undated draft", publish=False)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"publishedAfter": "2024-02-01T00:00:00+00:00"}, ["march", "february"]),
        ({"publishedBefore": "2024-02-20T00:00:00+00:00"}, ["february", "january"]),
        (
            {
                "publishedAfter": "2024-02-01T00:00:00+00:00",
                "publishedBefore": "2024-03-01T00:00:00+00:00",
            },
            ["february"],
        ),
        # Offsets count: 12:00+02:00 is 10:00 UTC, before february's 11:00 UTC...
        ({"publishedAfter": "2024-02-10T12:00:00+02:00"}, ["march", "february"]),
        # ...and 14:00+02:00 is 12:00 UTC, after it.
        ({"publishedAfter": "2024-02-10T14:00:00+02:00"}, ["march"]),
        ({"publishedBefore": "2024-01-01T00:00:00+00:00"}, []),
    ],
)
def test_published_after_and_before(viewers, dated, viewer, filters, expected):
    # A draft has no publishedAt: it is in no published range, not even for its owner.
    page = list_photos(viewers[viewer], filters=filters)
    assert captions(page) == expected
    assert page["totalCount"] == len(expected)


def test_search_needs_every_word_in_the_caption_in_any_case(viewers, alice, bob):
    uploaded_photo(alice, "Sunset over the Lake")
    uploaded_photo(bob, "sunrise at the lake")
    uploaded_photo(alice, "A SUNSET in town")
    uploaded_photo(bob, "lake sunset, drafted", publish=False)

    def found(viewer, text):
        return captions(list_photos(viewers[viewer], filters={"search": text}))

    for name in VIEWERS:
        own_draft = ["lake sunset, drafted"] if name == "bob" else []
        assert found(name, "lake SUNSET") == [*own_draft, "Sunset over the Lake"], name
        assert found(name, "  sunset   lake ") == [*own_draft, "Sunset over the Lake"], name
        assert found(name, "LAKE") == [
            *own_draft,
            "sunrise at the lake",
            "Sunset over the Lake",
        ], name
        assert found(name, "town sunset") == ["A SUNSET in town"], name
        assert found(name, "moon") == [], name


def test_filters_combine(viewers, alice, bob):
    uploaded_photo(alice, "blue #sea")
    uploaded_photo(alice, "grey #sea")
    uploaded_photo(bob, "blue #sea by bob")
    uploaded_photo(bob, "blue #sky")
    uploaded_photo(alice, "blue #sea drafted", publish=False)

    mixed = {"owner": "ALICE", "tags": ["#Sea"], "search": "blue"}
    page = list_photos(viewers["alice"], filters=mixed)
    assert captions(page) == ["blue #sea drafted", "blue #sea"]
    assert page["totalCount"] == 2
    page = list_photos(viewers["alice"], filters={**mixed, "status": "PUBLISHED"})
    assert captions(page) == ["blue #sea"]
    page = list_photos(viewers["alice"], filters={**mixed, "status": "DRAFT"})
    assert captions(page) == ["blue #sea drafted"]
    for name in ("bob", "anonymous"):
        page = list_photos(viewers[name], filters=mixed)
        assert captions(page) == ["blue #sea"], name
        assert page["totalCount"] == 1, name
        page = list_photos(
            viewers[name],
            filters={"search": "BLUE", "tags": ["sea"], "publishedAfter": "2000-01-01T00:00:00Z"},
        )
        assert captions(page) == ["blue #sea by bob", "blue #sea"], name


@pytest.fixture
def seven(alice, bob):
    """p0 .. p6, published in that order by alice and bob in turns."""
    return [uploaded_photo((alice, bob)[i % 2], f"p{i}") for i in range(7)]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_first_and_after_walk_every_page_once(viewers, seven, viewer):
    client, pages, after = viewers[viewer], [], None
    while True:
        page = list_photos(client, first=3, after=after)
        assert page["totalCount"] == 7
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        pages.append((captions(page), page["pageInfo"]["hasNextPage"]))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(pages) < 5, "the pages never end"
    assert pages == [
        (["p6", "p5", "p4"], True),
        (["p3", "p2", "p1"], True),
        (["p0"], False),
    ]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_last_and_before_walk_every_page_once_backwards(viewers, seven, viewer):
    client, pages, before = viewers[viewer], [], None
    while True:
        page = list_photos(client, last=3, before=before)
        assert page["totalCount"] == 7
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        pages.append((captions(page), page["pageInfo"]["hasPreviousPage"]))
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
        assert len(pages) < 5, "the pages never end"
    assert pages == [
        (["p2", "p1", "p0"], True),
        (["p5", "p4", "p3"], True),
        (["p6"], False),
    ]


def test_pages_hold_20_photos_by_default(viewers, alice):
    for i in range(25):
        uploaded_photo(alice, f"n{i}")
    newest_first = [f"n{i}" for i in reversed(range(25))]

    page = list_photos(viewers["anonymous"])
    assert captions(page) == newest_first[:20]
    assert page["totalCount"] == 25
    assert page["pageInfo"]["hasNextPage"] is True
    rest = list_photos(viewers["anonymous"], after=page["pageInfo"]["endCursor"])
    assert captions(rest) == newest_first[20:]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert len(captions(list_photos(viewers["anonymous"], first=100))) == 25


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (PHOTOS, {"first": 101}),
        (PHOTOS, {"last": 101}),
        (PHOTOS, {"first": -1}),
        (USER_PHOTOS, {"username": "alice", "first": 101}),
        (TAG, {"name": "sea", "first": 101}),
        ("query($first: Int) { tags(first: $first) { totalCount } }", {"first": 101}),
    ],
    ids=["photos-first", "photos-last", "photos-negative", "user-photos", "tag-photos", "tags"],
)
def test_a_page_over_100_is_bad_user_input(viewers, alice, document, variables):
    uploaded_photo(alice, "#sea")
    response = viewers["anonymous"].execute(document, variables)
    assert response.error_codes == ["BAD_USER_INPUT"]


def test_a_page_of_100_is_fine(viewers, alice):
    uploaded_photo(alice, "#sea")
    assert list_photos(viewers["anonymous"], first=100)["totalCount"] == 1
    assert list_photos(viewers["anonymous"], last=100)["totalCount"] == 1


def test_a_cursor_this_api_did_not_give_is_bad_user_input(viewers, alice):
    uploaded_photo(alice, "x")
    response = viewers["anonymous"].execute(PHOTOS, {"after": "not-a-cursor"})
    assert response.error_codes == ["BAD_USER_INPUT"]


def test_photo_lists_answer_owners_and_tags(viewers, alice, bob):
    uploaded_photo(alice, "by alice #Sea #sky")
    uploaded_photo(bob, "by bob #sea")
    query = """{ photos { edges { node {
        caption owner { username displayName } tags { name }
    } } } }"""
    for name in VIEWERS:
        nodes = [e["node"] for e in viewers[name].execute(query).data["photos"]["edges"]]
        assert nodes == [
            {
                "caption": "by bob #sea",
                "owner": {"username": "bob", "displayName": "Bob"},
                "tags": [{"name": "sea"}],
            },
            {
                "caption": "by alice #Sea #sky",
                "owner": {"username": "alice", "displayName": "Alice"},
                "tags": [{"name": "sea"}, {"name": "sky"}],
            },
        ], name


# --- user(username:) { photos } -------------------------------------------------------


def test_user_photos_are_newest_first_and_drafts_are_the_owners(viewers, alice, bob):
    uploaded_photo(alice, "a1")
    later = uploaded_photo(alice, "a2 draft", publish=False)
    uploaded_photo(alice, "a3")
    uploaded_photo(bob, "b1")

    def user_photos(viewer, username):
        user = viewers[viewer].execute(USER_PHOTOS, {"username": username}).data["user"]
        return user["username"], captions(user["photos"]), user["photos"]["totalCount"]

    assert user_photos("alice", "alice") == ("alice", ["a3", "a2 draft", "a1"], 3)
    assert user_photos("alice", "ALICE") == ("alice", ["a3", "a2 draft", "a1"], 3)
    assert user_photos("bob", "alice") == ("alice", ["a3", "a1"], 2)
    assert user_photos("anonymous", "Alice") == ("alice", ["a3", "a1"], 2)
    assert user_photos("alice", "bob") == ("bob", ["b1"], 1)

    photo_publish(photo=later, actor=alice)
    for name in VIEWERS:
        assert user_photos(name, "alice") == ("alice", ["a2 draft", "a3", "a1"], 3), name


# --- tag(name:) and tags(search:, first:) ---------------------------------------------
