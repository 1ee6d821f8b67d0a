"""Reading photos and tags: what the contract promises to each viewer.

Four points of view: the owner (alice), another signed-in user (bob), an anonymous
client and, where it matters, an owner whose account was deactivated. Data is made
through the services, as the mutations do; every query goes over HTTP.
"""

import base64
import itertools
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from media_graph.models import Photo
from media_graph.services.photos import (
    photo_delete,
    photo_publish,
    photo_unpublish,
    photo_update,
    photo_upload,
)
from tests.client import GraphQLClient, captions
from tests.factories import gid
from tests.images import make_jpeg

pytestmark = [
    # Thumbnails are made on commit.
    pytest.mark.django_db(transaction=True),
    # Reading does not depend on the storage; the filesystem is enough.
    pytest.mark.parametrize("media", ["filesystem"], indirect=True),
]

VIEWERS = ("alice", "bob", "anonymous")

_unique = itertools.count()


@pytest.fixture(autouse=True)
def _storage(media):
    return media


def uploaded_photo(owner, caption: str = "", *, publish: bool = True, size=(64, 48)) -> Photo:
    """A photo by `owner` through the upload service; every call gives new bytes."""
    content = make_jpeg(*size, lens=f"lens {next(_unique)}")
    upload = SimpleUploadedFile("p.jpg", content, content_type="image/jpeg")
    return photo_upload(owner=owner, file=upload, caption=caption, publish=publish)


@pytest.fixture
def viewers(login, alice, bob) -> dict[str, GraphQLClient]:
    """One client per point of view, each sending its own token (or none)."""
    clients = {name: GraphQLClient() for name in VIEWERS}
    login(alice, clients["alice"])
    login(bob, clients["bob"])
    return clients


# --- photo(id:) and node(id:) ---------------------------------------------------------

PHOTO = "query($id: ID!) { photo(id: $id) { id caption status publishedAt } }"
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Photo { caption status } } }"


def photo_as(client, photo_id: str):
    return client.execute(PHOTO, {"id": photo_id}).data["photo"]


def node_as(client, node_id: str):
    return client.execute(NODE, {"id": node_id}).data["node"]


def test_a_draft_is_seen_by_its_owner_only(viewers, alice):
    draft = uploaded_photo(alice, "not yet", publish=False)
    draft_id = gid("Photo", draft.pk)

    expected = {"id": draft_id, "caption": "not yet", "status": "DRAFT", "publishedAt": None}
    assert photo_as(viewers["alice"], draft_id) == expected
    assert photo_as(viewers["bob"], draft_id) is None
    assert photo_as(viewers["anonymous"], draft_id) is None


def test_a_published_photo_is_seen_by_everyone(viewers, alice):
    photo = uploaded_photo(alice, "for all")
    photo_id = gid("Photo", photo.pk)

    for name in VIEWERS:
        seen = photo_as(viewers[name], photo_id)
        assert seen is not None, name
        published_at = datetime.fromisoformat(seen.pop("publishedAt"))
        assert published_at == photo.published_at
        assert seen == {"id": photo_id, "caption": "for all", "status": "PUBLISHED"}


def test_an_unpublished_photo_is_its_owners_only_again(viewers, alice):
    photo = uploaded_photo(alice, "second thoughts")
    photo_unpublish(photo=photo, actor=alice)
    photo_id = gid("Photo", photo.pk)

    assert photo_as(viewers["alice"], photo_id)["status"] == "DRAFT"
    assert photo_as(viewers["bob"], photo_id) is None
    assert photo_as(viewers["anonymous"], photo_id) is None


@pytest.mark.parametrize(
    "make_id",
    [
        lambda photo, user: "",
        lambda photo, user: "nonsense",
        lambda photo, user: "!!!==",
        lambda photo, user: base64.b64encode(b"Photo").decode(),
        lambda photo, user: gid("Photo", "abc"),
        lambda photo, user: gid("Photo", "-1"),
        lambda photo, user: gid("Photo", f"{photo.pk}.0"),
        lambda photo, user: gid("Photo", photo.pk + 1000),
        # Another type's ID, even with the pk of a photo that exists.
        lambda photo, user: gid("User", user.pk),
        lambda photo, user: gid("User", photo.pk),
        lambda photo, user: gid("Tag", photo.pk),
    ],
    ids=[
        "empty",
        "not-base64",
        "garbage",
        "no-colon",
        "pk-not-a-number",
        "negative-pk",
        "decimal-pk",
        "no-such-photo",
        "a-user-id",
        "user-type-photo-pk",
        "tag-type-photo-pk",
    ],
)
def test_a_malformed_or_wrong_type_id_is_null_not_an_error(viewers, alice, make_id):
    photo = uploaded_photo(alice, "exists")
    # The owner could see the photo: only the ID makes it null.
    response = viewers["alice"].execute(PHOTO, {"id": make_id(photo, alice)})
    assert response.body == {"data": {"photo": None}}


def test_node_obeys_the_same_visibility(viewers, alice):
    draft = uploaded_photo(alice, "draft", publish=False)
    published = uploaded_photo(alice, "published")
    draft_id, published_id = gid("Photo", draft.pk), gid("Photo", published.pk)

    assert node_as(viewers["alice"], draft_id) == {
        "__typename": "Photo",
        "id": draft_id,
        "caption": "draft",
        "status": "DRAFT",
    }
    assert node_as(viewers["bob"], draft_id) is None
    assert node_as(viewers["anonymous"], draft_id) is None
    for name in VIEWERS:
        assert node_as(viewers[name], published_id) == {
            "__typename": "Photo",
            "id": published_id,
            "caption": "published",
            "status": "PUBLISHED",
        }, name
        assert node_as(viewers[name], gid("Photo", published.pk + 1000)) is None, name


def test_a_deactivated_owners_photos_vanish_for_everyone(viewers, alice, bob):
    published = uploaded_photo(alice, "#gone with the owner")
    draft = uploaded_photo(alice, "#gone too", publish=False)
    uploaded_photo(bob, "still here")
    alice.is_active = False
    alice.save(update_fields=["is_active"])

    # alice's token no longer authenticates: her client is anonymous now.
    for name in VIEWERS:
        client = viewers[name]
        for photo in (published, draft):
            assert photo_as(client, gid("Photo", photo.pk)) is None, name
            assert node_as(client, gid("Photo", photo.pk)) is None, name
        assert captions(list_photos(client)) == ["still here"], name
        assert captions(list_photos(client, filters={"owner": "alice"})) == [], name
        assert client.execute(USER_PHOTOS, {"username": "alice"}).data["user"] is None, name
        tag = client.execute(TAG, {"name": "gone"}).data["tag"]
        assert tag is None or tag["photos"]["edges"] == [], name


# --- photos(...) ----------------------------------------------------------------------

PHOTOS = """
query($filters: PhotoFilter, $order: PhotoOrder,
      $first: Int, $after: String, $last: Int, $before: String) {
  photos(filters: $filters, order: $order,
         first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id caption status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def list_photos(client, **variables) -> dict:
    return client.execute(PHOTOS, variables).data["photos"]


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


USER_PHOTOS = """
query($username: String!, $first: Int) {
  user(username: $username) {
    username
    photos(first: $first) { totalCount edges { node { id caption status } } }
  }
}
"""

TAG = """
query($name: String!, $first: Int) {
  tag(name: $name) {
    name photosCount
    photos(first: $first) { totalCount edges { node { id caption status } } }
  }
}
"""


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


# --- owner-only fields ----------------------------------------------------------------

PRIVATE = """
query($id: ID!) {
  photo(id: $id) {
    exif
    original { url width height }
    owner { username email }
  }
}
"""


def test_exif_original_and_email_are_for_the_owner_only(viewers, alice):
    photo = uploaded_photo(alice, "mine")
    photo_id = gid("Photo", photo.pk)

    seen = viewers["alice"].execute(PRIVATE, {"id": photo_id}).data["photo"]
    assert seen["exif"]["camera"] == "TestCam X100"
    assert seen["exif"]["lens"] == photo.exif["lens"]
    assert (seen["original"]["width"], seen["original"]["height"]) == (64, 48)
    assert seen["original"]["url"].startswith("http")
    assert seen["owner"] == {"username": "alice", "email": "alice@example.com"}

    for name in ("bob", "anonymous"):
        seen = viewers[name].execute(PRIVATE, {"id": photo_id}).data["photo"]
        assert seen == {
            "exif": None,
            "original": None,
            "owner": {"username": "alice", "email": None},
        }, name


def test_exif_and_original_stay_private_in_lists(viewers, alice):
    uploaded_photo(alice, "mine")
    query = "{ photos { edges { node { exif original { width } } } } }"
    owner_sees = viewers["alice"].execute(query).data["photos"]["edges"][0]["node"]
    assert owner_sees["exif"]["camera"] == "TestCam X100"
    assert owner_sees["original"] == {"width": 64}
    for name in ("bob", "anonymous"):
        assert viewers[name].execute(query).data["photos"]["edges"] == [
            {"node": {"exif": None, "original": None}}
        ], name


SIZES = """
query($id: ID!) {
  photo(id: $id) {
    thumbnail { url width height }
    medium: thumbnail(size: MEDIUM) { url width height }
    small: thumbnail(size: SMALL) { url width height }
    large: thumbnail(size: LARGE) { url width height }
  }
}
"""


def test_thumbnail_defaults_to_medium(viewers, alice):
    # Large enough for the three sizes to differ: 320x320, 640x480 and 800x600.
    photo = uploaded_photo(alice, "big enough", size=(800, 600))
    for name in VIEWERS:
        seen = viewers[name].execute(SIZES, {"id": gid("Photo", photo.pk)}).data["photo"]
        assert seen["thumbnail"] == seen["medium"], name
        sizes = {key: (value["width"], value["height"]) for key, value in seen.items()}
        assert sizes == {
            "thumbnail": (640, 480),
            "medium": (640, 480),
            "small": (320, 320),
            "large": (800, 600),
        }, name
        urls = {value["url"] for value in seen.values()}
        assert len(urls) == 3 and all(url.startswith("http") for url in urls), name
