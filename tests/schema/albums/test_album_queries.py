"""Reading albums: album(id:), albums(owner:), user.albums and node(id:).

Four points of view: the owner (alice), a follower of hers (bob), a stranger (carol)
and an anonymous client. A PRIVATE album is seen by its owner only; in a PUBLIC album
the others see the published photos only, and `photosCount` and `cover` follow what
the viewer sees.
"""

import pytest

from media_graph.models import Album, Photo
from media_graph.services.follows import user_follow
from tests.schema.albums.albums import album_photo_ids, photo_gids
from tests.support.client import GraphQLClient
from tests.support.factories import gid, make_album, photo_row

pytestmark = pytest.mark.django_db

VIEWERS = ("owner", "follower", "stranger", "anonymous")
OTHERS = ("follower", "stranger", "anonymous")

ALBUM_FIELDS = """
  id title visibility owner { username } photosCount cover { id }
  photos { totalCount edges { node { id status } } }
"""
ALBUM = f"query($id: ID!) {{ album(id: $id) {{ {ALBUM_FIELDS} }} }}"
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Album { title } } }"
LIST = "totalCount edges { node { title photosCount cover { id } } }"
ALBUMS = f"query($owner: String) {{ albums(owner: $owner) {{ {LIST} }} }}"
USER_ALBUMS = f"query($username: String!) {{ user(username: $username) {{ albums {{ {LIST} }} }} }}"


class World:
    """Alice's albums and photos, bob's too, and one client per point of view."""

    def __init__(self, make_user, login):
        self.alice, self.bob, self.carol = (make_user(n) for n in ("alice", "bob", "carol"))
        user_follow(follower=self.bob, followee=self.alice)
        alice, bob = self.alice, self.bob
        self.d1 = photo_row(alice, "draft 1", published=False)
        self.p1 = photo_row(alice, "published 1")
        self.p2 = photo_row(alice, "published 2")
        self.d2 = photo_row(alice, "draft 2", published=False)
        self.p3 = photo_row(alice, "published 3")
        self.d3 = photo_row(alice, "draft 3", published=False)
        # Made in this order: newest first, the lists show them reversed.
        self.trip = make_album(
            alice, "Trip", visibility="PUBLIC", photos=[self.d1, self.p1, self.p2, self.d2]
        )
        self.secret = make_album(alice, "Secret", visibility="PRIVATE", photos=[self.p3])
        self.drafts = make_album(alice, "Drafts only", visibility="PUBLIC", photos=[self.d3])
        self.bobs = make_album(bob, "Bob's", visibility="PUBLIC", photos=[photo_row(bob)])
        self.bobs_secret = make_album(bob, "Bob's secret", visibility="PRIVATE")
        self.clients = {name: GraphQLClient() for name in VIEWERS}
        login(self.alice, self.clients["owner"])
        login(self.bob, self.clients["follower"])
        login(self.carol, self.clients["stranger"])

    def album(self, viewer: str, album: Album) -> dict | None:
        response = self.clients[viewer].execute(ALBUM, {"id": gid("Album", album.pk)})
        return response.data["album"]

    def albums(self, viewer: str, owner: str | None = None) -> dict:
        return self.clients[viewer].execute(ALBUMS, {"owner": owner}).data["albums"]

    def user_albums(self, viewer: str, username: str) -> dict:
        response = self.clients[viewer].execute(USER_ALBUMS, {"username": username})
        return response.data["user"]["albums"]

    def set_cover(self, album: Album, photo: Photo) -> None:
        album.cover = photo
        album.save(update_fields=["cover"])


@pytest.fixture
def world(make_user, login) -> World:
    return World(make_user, login)


def listed(page: dict) -> list[tuple[str, int, str | None]]:
    return [
        (
            edge["node"]["title"],
            edge["node"]["photosCount"],
            edge["node"]["cover"] and edge["node"]["cover"]["id"],
        )
        for edge in page["edges"]
    ]


# --- album(id:) ------------------------------------------------------------------------


def test_the_owner_sees_every_photo_of_her_public_album(world):
    album = world.album("owner", world.trip)
    assert album == {
        "id": gid("Album", world.trip.pk),
        "title": "Trip",
        "visibility": "PUBLIC",
        "owner": {"username": "alice"},
        "photosCount": 4,
        "cover": {"id": gid("Photo", world.d1.pk)},  # no explicit cover: her first photo
        "photos": {
            "totalCount": 4,
            "edges": [
                {"node": {"id": gid("Photo", world.d1.pk), "status": "DRAFT"}},
                {"node": {"id": gid("Photo", world.p1.pk), "status": "PUBLISHED"}},
                {"node": {"id": gid("Photo", world.p2.pk), "status": "PUBLISHED"}},
                {"node": {"id": gid("Photo", world.d2.pk), "status": "DRAFT"}},
            ],
        },
    }


@pytest.mark.parametrize("viewer", OTHERS)
def test_others_see_only_the_published_photos_of_a_public_album(world, viewer):
    album = world.album(viewer, world.trip)
    assert album["title"] == "Trip"
    assert album_photo_ids(album) == photo_gids(world.p1, world.p2)
    assert album["photos"]["totalCount"] == 2
    assert album["photosCount"] == 2
    assert album["cover"] == {"id": gid("Photo", world.p1.pk)}  # the first they may see


def test_a_private_album_is_seen_by_its_owner_only(world):
    album = world.album("owner", world.secret)
    assert (album["title"], album["visibility"], album["photosCount"]) == ("Secret", "PRIVATE", 1)
    assert album_photo_ids(album) == photo_gids(world.p3)
    for viewer in OTHERS:
        assert world.album(viewer, world.secret) is None, viewer


def test_node_obeys_the_same_rules(world):
    for album, seen_by in ((world.secret, {"owner"}), (world.trip, set(VIEWERS))):
        album_id = gid("Album", album.pk)
        for viewer in VIEWERS:
            node = world.clients[viewer].execute(NODE, {"id": album_id}).data["node"]
            expected = (
                {"__typename": "Album", "id": album_id, "title": album.title}
                if viewer in seen_by
                else None
            )
            assert node == expected, (album.title, viewer)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_draft_cover_falls_back_to_the_first_published_photo_for_others(world, viewer):
    world.set_cover(world.trip, world.d2)
    album = world.album(viewer, world.trip)
    expected = world.d2 if viewer == "owner" else world.p1
    assert album["cover"] == {"id": gid("Photo", expected.pk)}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_published_cover_is_everyones_cover(world, viewer):
    world.set_cover(world.trip, world.p2)
    assert world.album(viewer, world.trip)["cover"] == {"id": gid("Photo", world.p2.pk)}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_album_of_drafts_looks_empty_to_others(world, viewer):
    album = world.album(viewer, world.drafts)
    if viewer == "owner":
        assert (album["photosCount"], album["cover"]) == (1, {"id": gid("Photo", world.d3.pk)})
        assert album_photo_ids(album) == photo_gids(world.d3)
    else:
        assert (album["photosCount"], album["cover"]) == (0, None)
        assert album["photos"] == {"totalCount": 0, "edges": []}


@pytest.mark.parametrize("viewer", OTHERS)
def test_others_page_through_the_published_photos_only(world, viewer):
    client = world.clients[viewer]
    query = """query($id: ID!, $after: String) { album(id: $id) {
      photos(first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }"""
    album_id = gid("Album", world.trip.pk)
    first = client.execute(query, {"id": album_id}).data["album"]["photos"]
    assert album_photo_ids({"photos": first}) == photo_gids(world.p1)
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, True)
    after = first["pageInfo"]["endCursor"]
    second = client.execute(query, {"id": album_id, "after": after}).data["album"]["photos"]
    assert album_photo_ids({"photos": second}) == photo_gids(world.p2)
    assert second["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_unpublished_photo_leaves_the_public_album_for_others(world, viewer):
    Photo.objects.filter(pk=world.p1.pk).update(status=Photo.Status.DRAFT, published_at=None)
    album = world.album(viewer, world.trip)
    if viewer == "owner":
        assert (album["photosCount"], album_photo_ids(album)) == (
            4,
            photo_gids(world.d1, world.p1, world.p2, world.d2),
        )
    else:
        assert (album["photosCount"], album_photo_ids(album)) == (1, photo_gids(world.p2))
        assert album["cover"] == {"id": gid("Photo", world.p2.pk)}


@pytest.mark.parametrize("album_id", ["garbage", gid("Album", 999_999), gid("Photo", 1)])
def test_an_unknown_album_is_null(world, album_id):
    assert world.clients["owner"].execute(ALBUM, {"id": album_id}).data["album"] is None


# --- albums(owner:) and user.albums ----------------------------------------------------


def owner_view(world) -> list[tuple[str, int, str | None]]:
    return [
        ("Drafts only", 1, gid("Photo", world.d3.pk)),
        ("Secret", 1, gid("Photo", world.p3.pk)),
        ("Trip", 4, gid("Photo", world.d1.pk)),
    ]


def others_view(world) -> list[tuple[str, int, str | None]]:
    return [("Drafts only", 0, None), ("Trip", 2, gid("Photo", world.p1.pk))]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_albums_of_an_owner_are_those_the_viewer_may_see(world, viewer):
    page = world.albums(viewer, owner="alice")
    expected = owner_view(world) if viewer == "owner" else others_view(world)
    assert listed(page) == expected
    assert page["totalCount"] == len(expected)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_user_albums_are_those_the_viewer_may_see(world, viewer):
    page = world.user_albums(viewer, "alice")
    expected = owner_view(world) if viewer == "owner" else others_view(world)
    assert listed(page) == expected
    assert page["totalCount"] == len(expected)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_list_covers_follow_the_viewer_too(world, viewer):
    world.set_cover(world.trip, world.d2)
    trip = next(row for row in listed(world.albums(viewer, owner="alice")) if row[0] == "Trip")
    expected = world.d2 if viewer == "owner" else world.p1
    assert trip == ("Trip", 4 if viewer == "owner" else 2, gid("Photo", expected.pk))


@pytest.mark.parametrize(
    ("viewer", "titles"),
    [
        ("owner", ["Bob's", "Drafts only", "Secret", "Trip"]),
        ("follower", ["Bob's secret", "Bob's", "Drafts only", "Trip"]),
        ("stranger", ["Bob's", "Drafts only", "Trip"]),
        ("anonymous", ["Bob's", "Drafts only", "Trip"]),
    ],
)
def test_all_albums_are_the_public_ones_and_the_viewers_own_newest_first(world, viewer, titles):
    page = world.albums(viewer)
    assert [row[0] for row in listed(page)] == titles
    assert page["totalCount"] == len(titles)


@pytest.mark.parametrize("viewer", OTHERS)
def test_a_deactivated_owners_albums_disappear(world, viewer):
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    assert world.album(viewer, world.trip) is None
    assert world.albums(viewer, owner="alice") == {"totalCount": 0, "edges": []}
    bobs_own = ["Bob's secret"] if viewer == "follower" else []  # the follower is bob
    assert [row[0] for row in listed(world.albums(viewer))] == [*bobs_own, "Bob's"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_photos_of_listed_albums_follow_the_viewer(world, viewer):
    query = """query($username: String!) { user(username: $username) { albums { edges { node {
      title photos { totalCount edges { node { id } } } } } } } }"""
    response = world.clients[viewer].execute(query, {"username": "alice"})
    nodes = [edge["node"] for edge in response.data["user"]["albums"]["edges"]]
    seen = {node["title"]: (node["photos"]["totalCount"], album_photo_ids(node)) for node in nodes}
    if viewer == "owner":
        assert seen == {
            "Drafts only": (1, photo_gids(world.d3)),
            "Secret": (1, photo_gids(world.p3)),
            "Trip": (4, photo_gids(world.d1, world.p1, world.p2, world.d2)),
        }
    else:
        assert seen == {"Drafts only": (0, []), "Trip": (2, photo_gids(world.p1, world.p2))}


@pytest.mark.parametrize("explicit", [True, False], ids=["explicit", "first-visible"])
def test_the_cover_answers_the_viewers_own_flags(make_user, client_of, explicit):
    from media_graph.services.favorites import photo_favorite
    from media_graph.services.likes import photo_like

    alice, bob = make_user("alice"), make_user("bob")
    liked, plain = photo_row(alice, "liked"), photo_row(alice, "plain")
    photo_like(photo=liked, user=bob)
    photo_favorite(photo=liked, user=bob)
    album = make_album(
        alice, visibility="PUBLIC", photos=[liked, plain], cover=liked if explicit else None
    )
    query = "query($id: ID!) { album(id: $id) { cover { id viewerHasLiked viewerHasFavorited } } }"
    for viewer, flag in ((bob, True), (alice, False)):
        cover = client_of(viewer).execute(query, {"id": gid("Album", album.pk)}).data["album"]
        assert cover["cover"] == {
            "id": gid("Photo", liked.pk),
            "viewerHasLiked": flag,
            "viewerHasFavorited": flag,
        }
