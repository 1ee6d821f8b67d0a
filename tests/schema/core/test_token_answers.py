"""An access token without READ reads nothing owner-only, mutation answers included.

The mutation's own object is found as the mutation found it (an uploadPhoto's DRAFT,
a createAlbum's PRIVATE album answer to a PUBLISH token), but nothing reached from it
reads as the owner: no drafts, no `exif`, no `original`, no `email`, no unread counts,
no favorites. Every mutation of the schema is walked with each scope short of READ,
with a selection reaching the token owner's photos and albums from every object it
answers; a mutation added later is walked too (with inputs made from its arguments).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from graphql import GraphQLNonNull, GraphQLObjectType, GraphQLUnionType

from media_graph.models import Notification
from media_graph.services import album_members, comments, favorites, follows
from schema import schema
from tests.schema.core.test_global_ids import value_for
from tests.support.client import multipart_operation
from tests.support.factories import gid, make_album, make_photo, photo_row
from tests.support.images import make_jpeg
from users.services.access_tokens import access_token_create

GRAPHQL = schema._schema
SECRETS = ("DRAFT-SECRET", "SCHEDULED-SECRET", "PRIVATE-ALBUM", "alice@example.com")
EXIF = {"GPSInfo": {"GPSLatitude": 48.8584}, "Make": "Phone"}
PHOTO = "fragment P on Photo { id status caption exif original { url } viewerHasFavorited }"
USER = """fragment U on User {
  id username email emailNotifications unreadNotificationsCount
  photos(first: 10) { edges { node { ...P } } }
  albums(first: 10) { edges { node { id title photos(first: 10) { edges { node { ...P } } } } } }
}"""
# What each answer type selects: enough to reach the token owner's library from it.
SELECTIONS = {
    "Photo": "...P owner { ...U }",
    "User": "...U",
    "Album": "id title owner { ...U } photos(first: 10) { edges { node { ...P } } } "
    # Not ...P: Album.cover { viewerHasFavorited } fails for every viewer (apart bug).
    "cover { id status caption exif original { url } } members { user { id email } }",
    "Comment": "id text author { ...U } photo { ...P owner { ...U } }",
    "NewAccessToken": "accessToken { id }",
    "OperationInfo": "messages { code field }",
}


@pytest.fixture
def world(alice, bob, settings):
    """alice's library, with something of each owner-only kind in it."""
    draft = photo_row(alice, "DRAFT-SECRET", published=False)
    scheduled = photo_row(alice, "SCHEDULED-SECRET", published=False)
    scheduled.status, scheduled.published_at = "SCHEDULED", timezone.now() + timedelta(days=2)
    published = make_photo(alice, "public")
    for photo in (draft, scheduled, published):
        photo.exif = EXIF
        photo.save()
    album = make_album(alice, "PRIVATE-ALBUM", photos=[draft, published])
    album_members.album_member_add(album=album, actor=alice, user=bob, role="VIEWER")
    favorites.photo_favorite(photo=published, user=alice)
    follows.user_follow(follower=bob, followee=alice)  # an unread notification
    comment = comments.comment_add(photo=published, author=alice, text="mine")
    return {
        "draft": gid("Photo", draft.pk),
        "published": gid("Photo", published.pk),
        "album": gid("Album", album.pk),
        "comment": gid("Comment", comment.pk),
        "bob": gid("User", bob.pk),
    }


def calls(world: dict) -> dict[str, dict]:
    """How to call each mutation so that it does what it is for."""
    later = (timezone.now() + timedelta(days=3)).isoformat()
    album, draft, published = world["album"], world["draft"], world["published"]
    return {
        "register": {"username": "carol", "email": "carol@example.com", "password": "pw-123456789"},
        "updateProfile": {"bio": "x"},
        "deleteAccount": {"password": "x"},
        "createAccessToken": {"name": "x", "scopes": ["READ"]},
        "revokeAccessToken": {"id": gid("AccessToken", 1)},
        "uploadPhoto": {"file": None, "caption": "new"},
        "updatePhoto": {"id": draft, "caption": "changed"},
        "publishPhoto": {"id": draft},
        "schedulePhoto": {"id": draft, "publishAt": later},
        "unpublishPhoto": {"id": published},
        "deletePhoto": {"id": draft},
        "createPhotoUpload": {
            "filename": "a.jpg",
            "contentType": "image/jpeg",
            "sizeBytes": 1000,
            "sha256": "0" * 64,
        },
        "finalizePhotoUpload": {"uploadId": "00000000-0000-0000-0000-000000000000"},
        "likePhoto": {"photoId": published},
        "unlikePhoto": {"photoId": published},
        "favoritePhoto": {"photoId": published},
        "unfavoritePhoto": {"photoId": published},
        "addComment": {"photoId": published, "text": "hi"},
        "deleteComment": {"id": world["comment"]},
        "followUser": {"username": "bob"},
        "unfollowUser": {"username": "bob"},
        "markNotificationsRead": {"ids": []},
        "createAlbum": {"title": "CI"},
        "updateAlbum": {"id": album, "title": "PRIVATE-ALBUM again"},
        "deleteAlbum": {"id": album},
        "addPhotosToAlbum": {"albumId": album, "photoIds": [published]},
        "removePhotosFromAlbum": {"albumId": album, "photoIds": [draft]},
        "addAlbumMember": {"albumId": album, "username": "bob", "role": "EDITOR"},
        "removeAlbumMember": {"albumId": album, "username": "bob"},
        "reportContent": {"subjectId": world["bob"], "reason": "SPAM"},
    }


# Arguments of the mutations that take no `input` (the JWT ones).
PLAIN_ARGUMENTS = {
    "tokenAuth": {"username": "alice", "password": "x"},
    "verifyToken": {"token": "x"},
    "refreshToken": {"refreshToken": "x"},
    "revokeToken": {"refreshToken": "x"},
}


def selection(kind) -> str:
    named = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
    members = named.types if isinstance(named, GraphQLUnionType) else [named]
    parts = []
    for member in members:
        inner = SELECTIONS.get(member.name) or " ".join(
            name
            for name, field in member.fields.items()
            if not isinstance(_named(field.type), GraphQLObjectType) and not field.args
        )
        parts.append(f"... on {member.name} {{ {inner} }}")
    return "{ __typename " + " ".join(parts) + " }"


def _named(kind):
    while hasattr(kind, "of_type"):
        kind = kind.of_type
    return kind


def document(name: str) -> str:
    field = GRAPHQL.mutation_type.fields[name]
    declared = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    return f"mutation({declared}) {{ {name}({passed}) {selection(field.type)} }} {PHOTO} {USER}"


def call(gql, name: str, world: dict, headers: dict) -> dict:
    field = GRAPHQL.mutation_type.fields[name]
    files: dict = {}
    if name in PLAIN_ARGUMENTS:
        variables = PLAIN_ARGUMENTS[name]
    else:
        known = calls(world)
        variables = {
            arg: known[name]
            if name in known and arg == "input"
            else value_for(a.type, arg, files, arg)
            for arg, a in field.args.items()
        }
        if name == "uploadPhoto":
            files["input.file"] = ("a.jpg", make_jpeg(80, 60), "image/jpeg")
    if files:
        response = multipart_operation(gql, document(name), variables, files, headers=headers)
    else:
        response = gql.execute(document(name), variables, headers=headers)
    assert response.status == 200, response.body
    assert not [
        error
        for error in response.body.get("errors") or []
        if error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    ], response.body
    return (response.body.get("data") or {}).get(name) or {}


# The answers whose own object's unread count reads: markNotificationsRead's (SOCIAL
# marks them read) and register's (the new account's own, 0).
OWN_UNREAD_COUNT = {"markNotificationsRead", "register"}


def leaks(value, *, mutation: str, root_id=None, path: str = "") -> list[str]:
    """What owner-only the answer holds. The root object's own caption and title may be
    a draft's or a private album's (the mutation acted on it), and once published it
    is anybody's; nothing else owner-only may be anywhere."""
    root = root_id is None
    if root and isinstance(value, dict):
        root_id = value.get("id", "")
    found = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += leaks(item, mutation=mutation, root_id=root_id, path=f"{path}.{i}")
        return found
    if isinstance(value, str):
        return [f"{path}: {value}" for secret in SECRETS if secret in value]
    if not isinstance(value, dict):
        return found
    itself = root or (root_id and value.get("id") == root_id)
    for key, item in value.items():
        where = f"{path}.{key}"
        if key in ("exif", "original", "email", "emailNotifications") and item is not None:
            found.append(f"{where}: {item}")
        elif key == "unreadNotificationsCount" and item is not None:
            if not (root and mutation in OWN_UNREAD_COUNT):
                found.append(f"{where}: {item}")
        elif key == "viewerHasFavorited" and item:
            found.append(where)
        elif key == "status" and item in ("DRAFT", "SCHEDULED") and not root:
            found.append(f"{where}: {item}")
        elif itself and key in ("caption", "title"):
            continue
        else:
            found += leaks(item, mutation=mutation, root_id=root_id, path=where)
    return found


MUTATIONS = sorted(GRAPHQL.mutation_type.fields)


@pytest.mark.parametrize("media", ["filesystem"], indirect=True)
@pytest.mark.parametrize("scope", ["PUBLISH", "SOCIAL"])
@pytest.mark.parametrize("name", MUTATIONS)
def test_no_mutation_answers_anything_owner_only_without_read(
    gql, alice, world, media, scope, name
):
    token, _ = access_token_create(user=alice, name="ci", scopes=[scope], expires_in_days=None)
    payload = call(gql, name, world, {"Authorization": f"Bearer {token}"})
    assert leaks(payload, mutation=name) == [], payload


def bearer(alice, scope: str) -> dict:
    token, _ = access_token_create(user=alice, name=scope, scopes=[scope], expires_in_days=None)
    return {"Authorization": f"Bearer {token}"}


OWNER = "owner { email photos { edges { node { status caption exif original { url } } } } }"


def only_published(owner: dict) -> None:
    assert owner["email"] is None
    nodes = [edge["node"] for edge in owner["photos"]["edges"]]
    assert nodes == [{"status": "PUBLISHED", "caption": "public", "exif": None, "original": None}]


def test_like_photo_with_social_reads_the_owner_as_a_stranger(gql, alice, world):
    query = "mutation($id: ID!) { likePhoto(input: {photoId: $id}) { ... on Photo { %s } } }"
    answer = gql.execute(query % OWNER, {"id": world["published"]}, headers=bearer(alice, "SOCIAL"))
    only_published(answer.data["likePhoto"]["owner"])


def test_mark_notifications_read_with_social_changes_and_shows_nothing_else(gql, alice, world):
    query = """mutation { markNotificationsRead(input: {ids: []}) {
      ... on User { unreadNotificationsCount email photos {
        edges { node { status caption exif original { url } } } } } } }"""
    answer = gql.execute(query, headers=bearer(alice, "SOCIAL")).data["markNotificationsRead"]
    assert answer["unreadNotificationsCount"] == 1  # what marking them read is about
    only_published({"email": answer["email"], "photos": answer["photos"]})
    assert Notification.objects.filter(recipient=alice, read=False).count() == 1


def test_create_album_with_publish_answers_the_album_not_the_library(gql, alice, world):
    query = 'mutation { createAlbum(input: {title: "CI"}) { ... on Album { title %s } } }'
    answer = gql.execute(query % OWNER, headers=bearer(alice, "PUBLISH")).data["createAlbum"]
    assert answer["title"] == "CI"  # PRIVATE: the mutation's own object reads
    only_published(answer["owner"])


def test_upload_photo_with_publish_answers_its_draft_but_not_its_exif(gql, alice, world, media):
    query = """mutation($input: UploadPhotoInput!) { uploadPhoto(input: $input) {
      ... on Photo { status caption exif original { url } } } }"""
    file = ("a.jpg", make_jpeg(80, 60, gps=(48.8584, 2.2945)), "image/jpeg")
    answer = multipart_operation(
        gql,
        query,
        {"input": {"caption": "new"}},
        {"input.file": file},
        headers=bearer(alice, "PUBLISH"),
    ).data["uploadPhoto"]
    assert answer == {"status": "DRAFT", "caption": "new", "exif": None, "original": None}


def test_read_reads_the_owner_through_any_answer(gql, alice, world, login):
    # A password login (and a READ token for queries) reads as the owner, as before.
    login(alice)
    query = "mutation($id: ID!) { likePhoto(input: {photoId: $id}) { ... on Photo { %s } } }"
    owner = gql.execute(query % OWNER, {"id": world["published"]}).data["likePhoto"]["owner"]
    assert owner["email"] == "alice@example.com"
    assert {edge["node"]["status"] for edge in owner["photos"]["edges"]} == {
        "DRAFT",
        "SCHEDULED",
        "PUBLISHED",
    }
    assert all(edge["node"]["exif"] == EXIF for edge in owner["photos"]["edges"])


def test_the_context_is_read_only_once_built(rf):
    from django.http import HttpResponse

    from schema.core.context import build_context

    context = build_context(rf.get("/graphql/"), HttpResponse())
    with pytest.raises(AttributeError, match="read-only"):
        context.scopes = None
