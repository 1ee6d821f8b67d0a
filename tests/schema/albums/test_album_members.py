"""Shared albums: addAlbumMember, removeAlbumMember, viewerRole and members, from the
owner's, an editor's, a viewer's, a stranger's and an anonymous point of view."""

import pytest

from media_graph.counters import recount
from media_graph.models import AlbumMember, AlbumPhoto
from tests.schema.albums.albums import photo_gids
from tests.support.client import codes
from tests.support.factories import gid, make_album, make_photo
from tests.support.query_counts import counts

pytestmark = pytest.mark.django_db

ADD = """
mutation($input: AlbumMemberInput!) {
  addAlbumMember(input: $input) {
    __typename
    ... on Album { title viewerRole members { user { username } role } }
    ... on OperationInfo { messages { code field } }
  }
}"""
REMOVE = """
mutation($input: RemoveAlbumMemberInput!) {
  removeAlbumMember(input: $input) {
    __typename
    ... on Album { title viewerRole members { user { username } role } }
    ... on OperationInfo { messages { code field } }
  }
}"""
ALBUM = """
query($id: ID!) {
  album(id: $id) {
    title viewerRole members { user { username } role addedAt }
    photos { edges { node { caption } } }
  }
}"""
PHOTOS = """
mutation($albumId: ID!, $ids: [ID!]!) {
  %s(input: {albumId: $albumId, photoIds: $ids}) {
    __typename ... on OperationInfo { messages { code field } }
  }
}"""


@pytest.fixture
def carol(make_user):
    return make_user("carol")


@pytest.fixture
def album(alice):
    photo = make_photo(alice, "alice's sunrise")
    draft = make_photo(alice, "alice's draft", publish=False)
    return make_album(alice, "Trip", visibility="PRIVATE", photos=[photo, draft])


def add(gql, album, username, role="VIEWER") -> dict:
    variables = {"input": {"albumId": gid("Album", album.pk), "username": username, "role": role}}
    return gql.execute(ADD, variables).data["addAlbumMember"]


def remove(gql, album, username) -> dict:
    variables = {"input": {"albumId": gid("Album", album.pk), "username": username}}
    return gql.execute(REMOVE, variables).data["removeAlbumMember"]


def seen(gql, album) -> dict | None:
    return gql.execute(ALBUM, {"id": gid("Album", album.pk)}).data["album"]


def change_photos(gql, album, name, *photos) -> dict:
    variables = {"albumId": gid("Album", album.pk), "ids": photo_gids(*photos)}
    return gql.execute(PHOTOS % name, variables).data[name]


def roles(answer) -> list[tuple[str, str]]:
    return [(m["user"]["username"], m["role"]) for m in answer["members"]]


def test_the_owner_shares_a_private_album_and_members_see_it(gql, login, alice, bob, carol, album):
    login(alice)
    answer = add(gql, album, "bob", "VIEWER")
    assert answer["viewerRole"] == "OWNER"
    assert roles(answer) == [("alice", "OWNER"), ("bob", "VIEWER")]

    login(bob)
    shared = seen(gql, album)
    assert shared["viewerRole"] == "VIEWER"
    assert roles(shared) == [("alice", "OWNER"), ("bob", "VIEWER")]
    # Drafts stay their owner's alone, in a shared album too.
    assert [e["node"]["caption"] for e in shared["photos"]["edges"]] == ["alice's sunrise"]
    titles = gql.execute('{ albums(owner: "alice") { edges { node { title } } } }').data
    assert titles == {"albums": {"edges": [{"node": {"title": "Trip"}}]}}

    login(carol)
    assert seen(gql, album) is None
    gql.token = None
    assert seen(gql, album) is None


def test_nobody_else_sees_the_members_of_a_public_album(gql, login, alice, bob, carol, album):
    album.visibility = "PUBLIC"
    album.save()
    AlbumMember.objects.create(album=album, user=bob, role="EDITOR")
    login(carol)
    answer = seen(gql, album)
    assert (answer["viewerRole"], answer["members"]) == (None, [])
    gql.token = None
    answer = seen(gql, album)
    assert (answer["viewerRole"], answer["members"]) == (None, [])


def test_adding_again_changes_the_role(gql, login, alice, bob, album):
    login(alice)
    add(gql, album, "bob", "VIEWER")
    assert roles(add(gql, album, "BOB", "EDITOR")) == [("alice", "OWNER"), ("bob", "EDITOR")]
    assert AlbumMember.objects.get().role == "EDITOR"


def test_editors_add_and_remove_their_own_photos_only(gql, login, alice, bob, album):
    AlbumMember.objects.create(album=album, user=bob, role="EDITOR")
    bobs, bobs_draft = make_photo(bob, "bob's pier"), make_photo(bob, "bob's draft", publish=False)
    alices = album.photos.get(caption="alice's sunrise")
    login(bob)
    assert change_photos(gql, album, "addPhotosToAlbum", bobs, bobs_draft)["__typename"] == "Album"
    captions = [e["node"]["caption"] for e in seen(gql, album)["photos"]["edges"]]
    assert captions == ["alice's sunrise", "bob's pier", "bob's draft"]
    login(alice)  # bob's draft is his alone
    captions = [e["node"]["caption"] for e in seen(gql, album)["photos"]["edges"]]
    assert captions == ["alice's sunrise", "alice's draft", "bob's pier"]

    login(bob)
    refused = change_photos(gql, album, "removePhotosFromAlbum", alices)
    assert codes(refused) == [(None, "permission_denied")]
    assert codes(change_photos(gql, album, "addPhotosToAlbum", alices)) == [
        (None, "permission_denied")
    ]
    assert change_photos(gql, album, "removePhotosFromAlbum", bobs)["__typename"] == "Album"
    assert set(AlbumPhoto.objects.values_list("photo__caption", flat=True)) == {
        "alice's sunrise",
        "alice's draft",
        "bob's draft",
    }


def test_viewers_and_editors_cannot_manage_the_album(gql, login, alice, bob, carol, album):
    AlbumMember.objects.create(album=album, user=bob, role="EDITOR")
    AlbumMember.objects.create(album=album, user=carol, role="VIEWER")
    carols = make_photo(carol, "carol's")
    login(carol)
    assert codes(change_photos(gql, album, "addPhotosToAlbum", carols)) == [
        (None, "permission_denied")
    ]
    login(bob)
    album_id = gid("Album", album.pk)
    for document, variables in [
        (
            'mutation($id: ID!) { updateAlbum(input: {id: $id, title: "Mine"}) { __typename '
            "... on OperationInfo { messages { code field } } } }",
            {"id": album_id},
        ),
        (
            "mutation($id: ID!) { deleteAlbum(input: {id: $id}) { __typename "
            "... on OperationInfo { messages { code field } } } }",
            {"id": album_id},
        ),
    ]:
        [answer] = gql.execute(document, variables).data.values()
        assert codes(answer) == [(None, "permission_denied")]
    assert codes(add(gql, album, "carol", "EDITOR")) == [(None, "permission_denied")]
    assert codes(remove(gql, album, "carol")) == [(None, "permission_denied")]
    album.refresh_from_db()
    assert album.title == "Trip"
    assert AlbumMember.objects.get(user=carol).role == "VIEWER"


def test_the_owner_removes_a_member(gql, login, alice, bob, album):
    AlbumMember.objects.create(album=album, user=bob, role="VIEWER")
    login(alice)
    assert roles(remove(gql, album, "bob")) == [("alice", "OWNER")]
    login(bob)
    assert seen(gql, album) is None


def test_a_member_leaves_and_no_longer_sees_a_private_album(gql, login, alice, bob, album):
    AlbumMember.objects.create(album=album, user=bob, role="EDITOR")
    login(bob)
    answer = remove(gql, album, "bob")
    assert (answer["title"], answer["viewerRole"], answer["members"]) == ("Trip", None, [])
    assert seen(gql, album) is None
    assert not AlbumMember.objects.exists()


def test_deleting_the_album_removes_its_members(alice, bob, album):
    AlbumMember.objects.create(album=album, user=bob, role="VIEWER")
    album.delete()
    assert not AlbumMember.objects.exists()


def test_a_deactivated_owner_shares_nothing(gql, login, alice, bob, album):
    AlbumMember.objects.create(album=album, user=bob, role="VIEWER")
    alice.is_active = False
    alice.save()
    login(bob)
    assert seen(gql, album) is None


@pytest.mark.parametrize(
    ("username", "role", "expected"),
    [
        ("nobody", "VIEWER", [("username", "not_found")]),
        ("alice", "VIEWER", [("username", "invalid")]),
        ("bob", "OWNER", [("role", "invalid")]),
    ],
)
def test_bad_members_change_nothing(gql, login, alice, bob, album, username, role, expected):
    login(alice)
    assert codes(add(gql, album, username, role)) == expected
    assert not AlbumMember.objects.exists()


def test_the_owner_cannot_leave(gql, login, alice, album):
    login(alice)
    assert codes(remove(gql, album, "alice")) == [("username", "invalid")]


@pytest.mark.parametrize("album_id", ["", "nope", gid("Photo", 1), gid("Album", 10**30)])
def test_bad_album_ids_are_not_found(gql, login, alice, album_id):
    login(alice)
    variables = {"input": {"albumId": album_id, "username": "bob", "role": "VIEWER"}}
    assert codes(gql.execute(ADD, variables).data["addAlbumMember"]) == [("albumId", "not_found")]


def test_a_stranger_cannot_find_a_private_album_to_join(gql, login, bob, album):
    login(bob)
    assert codes(add(gql, album, "bob", "EDITOR")) == [("albumId", "not_found")]


def test_a_bad_role_is_bad_user_input(gql, login, alice, album):
    login(alice)
    variables = {"input": {"albumId": gid("Album", album.pk), "username": "bob", "role": "KING"}}
    assert gql.execute(ADD, variables).error_codes == ["BAD_USER_INPUT"]


def test_anonymous_is_unauthenticated(gql, album):
    assert codes(add(gql, album, "bob")) == [(None, "unauthenticated")]
    assert codes(remove(gql, album, "bob")) == [(None, "unauthenticated")]


def test_members_and_roles_cost_the_same_queries_at_any_page_size(
    gql, login, alice, make_user, settings
):
    # 50 albums of up to 100 members each are costed past the default limit.
    settings.GRAPHQL_MAX_COST = 10_000
    people = [make_user(f"member{i}") for i in range(3)]
    for i in range(60):
        album = make_album(alice, f"album {i}", visibility="PUBLIC")
        for person in people:
            AlbumMember.objects.create(album=album, user=person, role="VIEWER")
    login(people[0])
    document = """{ albums(first: $N) { edges { node {
        title viewerRole members { user { username } role addedAt }
    } } } }"""

    def check(data, size):
        nodes = [edge["node"] for edge in data["albums"]["edges"]]
        assert len(nodes) == size
        for node in nodes:
            assert node["viewerRole"] == "VIEWER"
            assert [m["role"] for m in node["members"]] == ["OWNER", "VIEWER", "VIEWER", "VIEWER"]

    count_5, count_50 = counts(gql, document, check)
    # 1. the token, 2. the page (viewerRole a subquery in it, owners joined), 3. members
    assert count_5 == count_50 == 3
    assert recount(fix=False) == []


def test_a_share_notifies_the_new_member_once_and_undoing_it_withdraws_it(
    gql, login, alice, bob, album
):
    from tests.schema.social.notifications import listed

    login(alice)
    add(gql, album, "bob", "VIEWER")
    add(gql, album, "bob", "EDITOR")  # a changed role is no news
    assert listed(gql) == []  # never for your own actions
    login(bob)
    assert listed(gql) == [("ALBUM_SHARED", "alice", None, None, "Trip", False)]
    remove(gql, album, "bob")  # leaving: the unread news of the share goes
    assert listed(gql) == []
    login(alice)
    add(gql, album, "bob", "VIEWER")
    remove(gql, album, "bob")
    login(bob)
    assert listed(gql) == []
    assert recount(fix=False) == []


def test_the_cost_counts_members_as_a_list_of_the_member_cap(gql, alice):
    """100 members of 50 photos each: refused before it runs, as a page of 20 would not be."""
    album = gid("Album", make_album(alice).pk)
    query = """query($id: ID!) { album(id: $id) { members { user {
      photos(first: 50) { edges { node { id } } } } } } }"""
    response = gql.execute(query, {"id": album})
    (error,) = response.errors
    assert (
        error["extensions"]["cost"] == 2 + 100 * (1 + 1 + 50 * 2) > error["extensions"]["maxCost"]
    )
    assert response.body.get("data") is None
