"""deleteAccount: the viewer's own account and everything of it, through the API."""

import io

import pytest
from django.core.management import call_command

from media_graph.models import Album, AlbumPhoto, Comment, Like, Photo, Tag
from media_graph.services.comments import comment_add
from media_graph.services.follows import user_follow
from media_graph.services.likes import photo_like
from schema.core.nodes import global_id
from tests.schema.media.photos import upload
from tests.schema.users.tokens import ME, REFRESH
from tests.support.accounts import PASSWORD
from tests.support.client import codes
from tests.support.factories import make_album, make_photo
from tests.support.images import make_jpeg
from users.models import AccessToken, Follow, User

DELETE = """
mutation Delete($input: DeleteAccountInput!) {
  deleteAccount(input: $input) {
    __typename
    ... on DeletedNode { id }
    ... on OperationInfo { messages { code field message } }
  }
}
"""
CREATE_TOKEN = """
mutation { createAccessToken(input: {name: "ci", scopes: [READ, PUBLISH, SOCIAL]}) {
  ... on NewAccessToken { token } } }
"""
REGISTER = """
mutation { register(input: {username: "alice", email: "alice@example.com",
  password: "a-new-start-2026"}) { __typename ... on User { id } } }
"""
WHAT_A_NEW_ALICE_SEES = """
{ me { username photosCount followersCount followingCount
       albums { totalCount } followers { totalCount } following { totalCount } }
  photos { totalCount } }
"""


def delete_account(gql, password: str = PASSWORD, **kwargs) -> dict:
    return gql.execute(DELETE, {"input": {"password": password}}, **kwargs).data["deleteAccount"]


def assert_counters_true() -> None:
    out = io.StringIO()
    call_command("recount", "--check", stdout=out)  # exits 1 on drift
    assert "0 counter(s) drifted" in out.getvalue()


@pytest.fixture
def carol(make_user) -> User:
    return make_user("carol")


@pytest.mark.django_db(transaction=True)
def test_everything_of_the_account_goes_and_other_counters_follow(
    gql, alice, bob, carol, login, media
):
    login(alice)
    published = upload(gql, make_jpeg(300, 200), caption="Dawn #sky #sea", publish=True)
    draft = upload(gql, make_jpeg(200, 300), caption="#sky later")
    assert len(media.list_keys()) == 8  # two originals, three thumbnails each
    alices = Photo.objects.get(status="PUBLISHED")
    assert published["status"] == "PUBLISHED" and draft["status"] == "DRAFT"
    make_album(alice, photos=[alices, Photo.objects.get(status="DRAFT")])
    bobs = make_photo(bob, "#sky too")
    for fan in (bob, carol):
        user_follow(follower=fan, followee=alice)
    user_follow(follower=alice, followee=bob)
    photo_like(photo=bobs, user=alice)
    comment_add(photo=bobs, author=alice, text="Lovely")
    comment_add(photo=bobs, author=alice, text="Really lovely")
    comment_add(photo=bobs, author=carol, text="Agreed")
    photo_like(photo=alices, user=bob)
    comment_add(photo=alices, author=bob, text="Nice")
    gql.execute(CREATE_TOKEN)
    assert AccessToken.objects.filter(user=alice).exists()

    assert delete_account(gql) == {"__typename": "DeletedNode", "id": global_id("User", alice.pk)}

    assert not User.objects.filter(username="alice").exists()
    assert media.list_keys() == []  # the originals and every thumbnail, after the commit
    assert list(Photo.objects.all()) == [bobs]
    assert not Album.objects.exists() and not AlbumPhoto.objects.exists()
    assert list(Comment.objects.values_list("text", flat=True)) == ["Agreed"]
    assert not Like.objects.exists()
    assert not AccessToken.objects.exists()
    assert not Follow.objects.filter(follower__username="alice").exists()
    assert list(Follow.objects.all()) == []
    bobs.refresh_from_db()
    assert (bobs.likes_count, bobs.comments_count) == (0, 1)
    bob.refresh_from_db()
    carol.refresh_from_db()
    assert (bob.followers_count, bob.following_count) == (0, 0)
    assert carol.following_count == 0
    assert Tag.objects.get(name="sky").photos_count == 1  # bob's
    assert Tag.objects.get(name="sea").photos_count == 0
    assert_counters_true()


@pytest.mark.django_db(transaction=True)
def test_the_username_is_free_again_and_the_new_account_sees_nothing_of_the_old(
    gql, alice, bob, login
):
    old = login(alice)
    old_access = gql.execute(CREATE_TOKEN).data["createAccessToken"]["token"]
    make_photo(alice, "#mine")
    user_follow(follower=bob, followee=alice)
    make_album(alice, visibility="PUBLIC")
    assert delete_account(gql)["__typename"] == "DeletedNode"

    # Every token of the old account stops working at once.
    assert gql.execute(ME, headers=gql.headers(old["token"])).error_codes == ["UNAUTHENTICATED"]
    bearer = {"Authorization": f"Bearer {old_access}"}
    assert gql.execute(ME, headers=bearer).error_codes == ["UNAUTHENTICATED"]
    refreshed = gql.execute(REFRESH, {"refreshToken": old["refreshToken"]}, headers={})
    assert refreshed.error_codes == ["UNAUTHENTICATED"]

    assert gql.execute(REGISTER, headers={}).data["register"]["__typename"] == "User"
    # The old JWT names the username, which is someone else's now: still refused.
    assert gql.execute(ME, headers=gql.headers(old["token"])).error_codes == ["UNAUTHENTICATED"]
    new = gql.execute(
        'mutation { tokenAuth(username: "alice", password: "a-new-start-2026") { token } }',
        headers={},
    ).data["tokenAuth"]["token"]
    seen = gql.execute(WHAT_A_NEW_ALICE_SEES, headers=gql.headers(new)).data
    assert seen == {
        "me": {
            "username": "alice",
            "photosCount": 0,
            "followersCount": 0,
            "followingCount": 0,
            "albums": {"totalCount": 0},
            "followers": {"totalCount": 0},
            "following": {"totalCount": 0},
        },
        "photos": {"totalCount": 0},
    }
    assert_counters_true()


def test_a_wrong_password_changes_nothing(gql, alice, bob, login):
    login(alice)
    user_follow(follower=bob, followee=alice)
    payload = delete_account(gql, "not-my-password")
    assert codes(payload) == [("password", "invalid")]
    assert User.objects.filter(pk=alice.pk).exists()
    assert Follow.objects.count() == 1
    assert gql.execute(ME).data["me"]["username"] == "alice"  # still signed in


def test_guessing_the_password_is_throttled_like_a_login(gql, alice, login, clock):
    login(alice)
    for _ in range(5):  # LOGIN_FAILURE_LIMIT failures are free
        assert codes(delete_account(gql, "guess")) == [("password", "invalid")]
    # Inside the backoff even the right password is refused, unchecked.
    assert codes(delete_account(gql)) == [("password", "rate_limited")]
    assert User.objects.filter(pk=alice.pk).exists()
    clock.advance(3600)
    assert delete_account(gql)["__typename"] == "DeletedNode"


def test_anonymous_is_unauthenticated(gql, alice):
    assert codes(delete_account(gql, headers={})) == [(None, "unauthenticated")]
    assert User.objects.filter(pk=alice.pk).exists()


@pytest.mark.parametrize("scopes", [["READ"], ["READ", "PUBLISH", "SOCIAL"]])
def test_an_access_token_cannot_delete_the_account(gql, alice, login, scopes):
    login(alice)
    create = CREATE_TOKEN.replace("[READ, PUBLISH, SOCIAL]", f"[{', '.join(scopes)}]")
    token = gql.execute(create).data["createAccessToken"]["token"]
    payload = delete_account(gql, headers={"Authorization": f"Bearer {token}"})
    assert codes(payload) == [(None, "permission_denied")]
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_twice_the_old_token_no_longer_authenticates(gql, alice, login):
    login(alice)
    assert delete_account(gql)["__typename"] == "DeletedNode"
    assert codes(delete_account(gql)) == [(None, "unauthenticated")]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        pytest.param({"input": {}}, "BAD_USER_INPUT", id="no-password"),
        pytest.param({"input": {"password": None}}, "BAD_USER_INPUT", id="null-password"),
        pytest.param({"input": {"password": 1843}}, "BAD_USER_INPUT", id="number"),
        pytest.param({"input": {"password": ["x"]}}, "BAD_USER_INPUT", id="list"),
        pytest.param({"input": "password"}, "BAD_USER_INPUT", id="input-not-an-object"),
        pytest.param({"input": {"password": "x", "really": True}}, "BAD_USER_INPUT", id="extra"),
        pytest.param({"input": {"password": "x" * 10_001}}, "BAD_USER_INPUT", id="too-long"),
    ],
)
def test_malformed_input_is_refused_before_anything_runs(gql, alice, login, variables, code):
    login(alice)
    response = gql.execute(DELETE, variables)
    assert response.error_codes == [code], response.body
    assert User.objects.filter(pk=alice.pk).exists()


@pytest.mark.parametrize("password", ["", " ", "pässwörd"])
def test_an_empty_or_odd_password_is_invalid(gql, alice, login, password):
    login(alice)
    assert codes(delete_account(gql, password)) == [("password", "invalid")]
    assert User.objects.filter(pk=alice.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_second_wave_rows_and_objects_go_too(gql, alice, bob, carol, login, media):
    """Favorites, album memberships both ways, a scheduled photo, an image variant and a
    direct upload never finalized: rows and stored objects."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from media_graph.models import AlbumMember, Favorite, ImageVariant, StagedUpload
    from media_graph.services.favorites import photo_favorite

    bobs = make_photo(bob, "#sky bob's")
    scheduled = make_photo(alice, "#sky soon", publish=False)
    Photo.objects.filter(pk=scheduled.pk).update(
        status="SCHEDULED", published_at=timezone.now() + timedelta(hours=1)
    )
    photo_favorite(photo=bobs, user=alice)
    photo_favorite(photo=scheduled, user=alice)
    AlbumMember.objects.create(album=make_album(bob, "bob's"), user=alice, role="EDITOR")
    AlbumMember.objects.create(album=make_album(alice, "alice's"), user=carol, role="VIEWER")
    variant = default_storage.save("variants/x/v1/640.webp", ContentFile(b"webp"))
    ImageVariant.objects.create(
        photo=scheduled, width=640, format="WEBP", version=1, name=variant, size_bytes=4
    )
    staged = default_storage.save("uploads/0123456789abcdef0123456789abcdef", ContentFile(b"x"))
    StagedUpload.objects.create(
        owner=alice,
        key=staged,
        content_type="image/jpeg",
        size_bytes=1,
        sha256="0" * 64,
        expires_at=timezone.now() + timedelta(minutes=15),
    )
    login(alice)

    assert delete_account(gql)["__typename"] == "DeletedNode"

    assert list(Photo.objects.all()) == [bobs]
    assert not Favorite.objects.exists()
    assert not AlbumMember.objects.exists()
    assert list(Album.objects.values_list("title", flat=True)) == ["bob's"]
    assert not ImageVariant.objects.exists() and not StagedUpload.objects.exists()
    assert media.list_keys() == []
    assert Tag.objects.get(name="sky").photos_count == 1  # the scheduled one never counted
    assert_counters_true()
