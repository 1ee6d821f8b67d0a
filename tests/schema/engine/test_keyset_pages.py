"""Every growing list pages by a keyset cursor: rows added between two pages never
repeat or hide a row, forwards (first/after) and backwards (last/before), under one
parent (a LIMIT query) and under a list of parents (one windowed query), and totalCount
stays the whole list's.
"""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from media_graph.services.albums import album_add_photos, album_create
from media_graph.services.comments import comment_add
from media_graph.services.favorites import photo_favorite
from media_graph.services.follows import user_follow
from media_graph.services.likes import photo_like
from tests.support.factories import gid, make_album, make_photo
from users.services.access_tokens import access_token_create

pytestmark = pytest.mark.django_db

_names = count()
PAGE = "{args} {{ totalCount edges {{ cursor node {{ {ident} }} }} pageInfo {{ {info} }} }}"
INFO = "hasNextPage hasPreviousPage startCursor endCursor"


@dataclass
class World:
    alice: object
    bob: object
    anchor: object  # bob's photo with comments and likes, tagged #anchor
    album: object
    make_user: Callable


@pytest.fixture
def world(alice, bob, make_user):
    anchor = make_photo(bob, "#anchor #sea")
    photos = []
    for i in range(5):
        photos.append(make_photo(bob, f"#sea #t{i} old {i}"))
        photo_favorite(photo=photos[-1], user=alice)
        comment_add(photo=anchor, author=alice, text=f"comment {i}")
        fan = make_user(f"fan{i}")
        photo_like(photo=anchor, user=fan)
        user_follow(follower=fan, followee=bob)
        user_follow(follower=bob, followee=make_user(f"idol{i}"))
        album_create(owner=bob, title=f"album {i}", visibility="PUBLIC")
        access_token_create(user=alice, name=f"token {i}", scopes=["READ"], expires_in_days=None)
    user_follow(follower=alice, followee=bob)
    album = make_album(bob, "shared", visibility="PUBLIC", photos=photos)
    return World(alice, bob, anchor, album, make_user)


def _new_user(world):
    return world.make_user(f"new{next(_names)}")


# Each list: how to reach it (a document with {page} where its arguments and selection
# go, and the path to the connection), what identifies a node, and how to add a row.
@dataclass
class Spec:
    document: str
    path: tuple[str, ...]
    ident: str
    add: Callable

    def __str__(self):
        return ".".join(self.path)


def _photo(world):
    make_photo(world.bob, f"#sea new {next(_names)}")


def _album_photo(world):
    photo = make_photo(world.bob, "for the album")
    album_add_photos(album=world.album, actor=world.bob, photo_ids=[photo.pk])


ANCHOR = '{ photos(first: 1, filters: {tags: ["anchor"]}) { edges { node { %s } } } }'
BOB = '{ user(username: "bob") { %s } }'
SPECS = {
    "photos": Spec("{ photos%s }", ("photos",), "caption", _photo),
    "photos ASC": Spec("{ photos(order: {publishedAt: ASC}%s) }", ("photos",), "caption", _photo),
    "photos by tag": Spec('{ photos(filters: {tags: ["sea"]}%s) }', ("photos",), "caption", _photo),
    "feed": Spec("{ feed%s }", ("feed",), "caption", _photo),
    "favorites": Spec(
        "{ favorites%s }",
        ("favorites",),
        "caption",
        lambda w: photo_favorite(photo=make_photo(w.bob, f"new {next(_names)}"), user=w.alice),
    ),
    "albums": Spec(
        '{ albums(owner: "bob"%s) }',
        ("albums",),
        "title",
        lambda w: album_create(owner=w.bob, title="new", visibility="PUBLIC"),
    ),
    "tags": Spec(
        "{ tags%s }",
        ("tags",),
        "name",
        lambda w: make_photo(w.bob, f"#new{next(_names)} #sea"),
    ),
    "accessTokens": Spec(
        "{ accessTokens%s }",
        ("accessTokens",),
        "name",
        lambda w: access_token_create(
            user=w.alice, name="new", scopes=["READ"], expires_in_days=None
        ),
    ),
    "user.photos": Spec(BOB % "photos%s", ("user", "photos"), "caption", _photo),
    "user.albums": Spec(
        BOB % "albums%s",
        ("user", "albums"),
        "title",
        lambda w: album_create(owner=w.bob, title="new", visibility="PUBLIC"),
    ),
    "user.followers": Spec(
        BOB % "followers%s",
        ("user", "followers"),
        "username",
        lambda w: user_follow(follower=_new_user(w), followee=w.bob),
    ),
    "user.following": Spec(
        BOB % "following%s",
        ("user", "following"),
        "username",
        lambda w: user_follow(follower=w.bob, followee=_new_user(w)),
    ),
    "tag.photos": Spec('{ tag(name: "sea") { photos%s } }', ("tag", "photos"), "caption", _photo),
    "photo.comments": Spec(
        "{ photo(id: $ANCHOR) { comments%s } }",
        ("photo", "comments"),
        "text",
        lambda w: comment_add(photo=w.anchor, author=w.alice, text=f"new {next(_names)}"),
    ),
    "photo.likes": Spec(
        "{ photo(id: $ANCHOR) { likes%s } }",
        ("photo", "likes"),
        "username",
        lambda w: photo_like(photo=w.anchor, user=_new_user(w)),
    ),
    "album.photos": Spec(
        "{ album(id: $ALBUM) { photos%s } }", ("album", "photos"), "caption", _album_photo
    ),
    # The same relations under a list of parents: one windowed query for every page.
    "listed user.photos": Spec(
        ANCHOR % "owner { photos%s }", ("photos", "*", "owner", "photos"), "caption", _photo
    ),
    "listed user.followers": Spec(
        ANCHOR % "owner { followers%s }",
        ("photos", "*", "owner", "followers"),
        "username",
        lambda w: user_follow(follower=_new_user(w), followee=w.bob),
    ),
    "listed photo.comments": Spec(
        ANCHOR % "comments%s",
        ("photos", "*", "comments"),
        "text",
        lambda w: comment_add(photo=w.anchor, author=w.alice, text=f"new {next(_names)}"),
    ),
    "listed photo.likes": Spec(
        ANCHOR % "likes%s",
        ("photos", "*", "likes"),
        "username",
        lambda w: photo_like(photo=w.anchor, user=_new_user(w)),
    ),
    "listed album.photos": Spec(
        '{ albums(owner: "bob", first: 10) { edges { node { title photos%s } } } }',
        ("albums", "shared", "photos"),
        "caption",
        _album_photo,
    ),
}


def fetch(gql, world, spec: Spec, **arguments) -> dict:
    """The connection `spec` names, with these page arguments."""
    given = ", ".join(
        f"{name}: {value}" if isinstance(value, int) else f'{name}: "{value}"'
        for name, value in arguments.items()
    )
    document = spec.document.replace("$ANCHOR", f'"{gid("Photo", world.anchor.pk)}"')
    document = document.replace("$ALBUM", f'"{gid("Album", world.album.pk)}"')
    selection = PAGE.format(args="", ident=spec.ident, info=INFO)
    if "%s)" in document:  # the field has arguments of its own: the page's join them
        document = document.replace("%s)", f", {given}){selection}")
    else:
        document = document.replace("%s", f"({given}){selection}")
    return _reach(gql.execute(document).data, spec.path)


def _reach(data, path):
    for step in path:
        if step == "*":
            [edge] = data["edges"]
            data = edge["node"]
        elif step in data:
            data = data[step]
        else:  # a title among a list's nodes
            [data] = [edge["node"] for edge in data["edges"] if edge["node"]["title"] == step]
    return data


def idents(page, spec):
    return [edge["node"][spec.ident] for edge in page["edges"]]


def _is_in_order(rows, everything):
    positions = [everything.index(row) for row in rows]
    return positions == sorted(positions)


@pytest.fixture
def signed_in(gql, login, world):
    login(world.alice)
    return gql


@pytest.mark.parametrize("name", SPECS)
def test_forwards_an_added_row_neither_repeats_nor_hides_one(signed_in, world, name):
    spec = SPECS[name]
    before = idents(fetch(signed_in, world, spec, first=100), spec)
    assert len(before) >= 5, before
    first = fetch(signed_in, world, spec, first=2)
    assert idents(first, spec) == before[:2]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["totalCount"] == len(before)

    spec.add(world)
    now = idents(fetch(signed_in, world, spec, first=100), spec)
    assert len(now) == len(before) + 1
    rest = fetch(signed_in, world, spec, after=first["pageInfo"]["endCursor"], first=100)
    seen = idents(first, spec) + idents(rest, spec)
    assert len(seen) == len(set(seen)), seen
    assert set(before) <= set(seen)
    assert _is_in_order(seen, now)
    assert rest["totalCount"] == len(now)
    assert rest["pageInfo"]["hasPreviousPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("name", [name for name in SPECS if name != "feed"])  # first/after only
def test_backwards_an_added_row_neither_repeats_nor_hides_one(signed_in, world, name):
    spec = SPECS[name]
    before = idents(fetch(signed_in, world, spec, first=100), spec)
    last = fetch(signed_in, world, spec, last=2)
    assert idents(last, spec) == before[-2:]
    assert last["pageInfo"]["hasPreviousPage"] is True
    assert last["pageInfo"]["hasNextPage"] is False

    spec.add(world)
    now = idents(fetch(signed_in, world, spec, first=100), spec)
    earlier = fetch(signed_in, world, spec, before=last["pageInfo"]["startCursor"], last=100)
    seen = idents(earlier, spec) + idents(last, spec)
    assert len(seen) == len(set(seen)), seen
    assert set(before) <= set(seen)
    assert _is_in_order(seen, now)
    assert earlier["totalCount"] == len(now)
    assert earlier["pageInfo"]["hasNextPage"] is True
    assert earlier["pageInfo"]["hasPreviousPage"] is False


def test_a_page_after_a_deleted_row_goes_on_where_it_was(signed_in, world):
    spec = SPECS["photo.comments"]
    everything = idents(fetch(signed_in, world, spec, first=100), spec)
    first = fetch(signed_in, world, spec, first=2)
    world.anchor.comments.filter(text=everything[1]).delete()
    rest = fetch(signed_in, world, spec, first=100, after=first["pageInfo"]["endCursor"])
    assert idents(rest, spec) == everything[2:]


@pytest.mark.parametrize("name", SPECS)
def test_query_counts_do_not_grow_with_page_size_after_a_cursor(signed_in, world, name):
    spec = SPECS[name]
    for _ in range(4):
        spec.add(world)
    cursor = fetch(signed_in, world, spec, first=1)["pageInfo"]["endCursor"]
    statements = []
    for size in (2, 8):
        with CaptureQueriesContext(connection) as queries:
            page = fetch(signed_in, world, spec, first=size, after=cursor)
        assert len(page["edges"]) == size
        statements.append(len(queries))
    assert statements[0] == statements[1], statements


# --- cursors that this list did not give out -------------------------------------------------


def _cursor(gql, world, name: str, **arguments) -> str:
    spec = SPECS[name]
    return fetch(gql, world, spec, first=2, **arguments)["pageInfo"]["endCursor"]


def _refused(gql, world, name: str, cursor: str, argument: str = "after") -> None:
    spec = SPECS[name]
    document = spec.document.replace("$ANCHOR", "$anchor").replace("$ALBUM", "$album")
    selection = PAGE.format(args="", ident=spec.ident, info=INFO)
    page = f", {argument}: $cursor)" if "%s)" in document else f"({argument}: $cursor)"
    document = document.replace("%s)" if "%s)" in document else "%s", page + selection)
    variables = {"cursor": cursor}
    if "$anchor" in document:
        variables["anchor"] = gid("Photo", world.anchor.pk)
    if "$album" in document:
        variables["album"] = gid("Album", world.album.pk)
    declared = ", ".join(
        f"${name}: {'String!' if name == 'cursor' else 'ID!'}" for name in variables
    )
    response = gql.execute(f"query({declared}) {document}", variables)
    assert response.error_codes == ["BAD_USER_INPUT"], (name, response.body)
    assert "cursor" in response.errors[0]["message"]


def _tampered(cursor: str) -> str:
    payload, signature = cursor.split(".")
    values = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    values[-1] += 1  # the next id: a row the signature does not name
    forged = base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode())
    return f"{forged.decode().rstrip('=')}.{signature}"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("photos", "photo.comments"),
        ("photos", "listed photo.comments"),
        ("photo.likes", "user.followers"),  # users both, ordered by another edge's time
        ("listed photo.likes", "listed user.followers"),
        ("photos", "photos ASC"),
        ("photos ASC", "photos"),
        ("albums", "accessTokens"),
        ("tags", "user.following"),
    ],
)
def test_a_cursor_of_another_list_is_bad_user_input(signed_in, world, source, target):
    cursor = _cursor(signed_in, world, source)
    for argument in ("after", "before"):
        _refused(signed_in, world, target, cursor, argument)


@pytest.mark.parametrize("name", ["photos", "photo.comments", "listed photo.comments"])
def test_an_edited_cursor_is_bad_user_input(signed_in, world, name):
    _refused(signed_in, world, name, _tampered(_cursor(signed_in, world, name)))


def test_a_cursor_signed_under_another_secret_key_is_bad_user_input(signed_in, world, settings):
    cursor = _cursor(signed_in, world, "photos")
    settings.SECRET_KEY = "another key, after a rotation"
    _refused(signed_in, world, "photos", cursor)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        ".",
        "a.b",
        "!!!.???",
        "a.b.c",
        "x" * 10_000,
        "é.é",
        base64.b64encode(b"arrayconnection:2").decode(),  # an offset cursor, as lists had
        base64.b64encode(b"feed:2024-01-01T00:00:00+00:00|1").decode(),
    ],
)
@pytest.mark.parametrize("name", ["photos", "feed", "user.photos", "listed photo.likes"])
def test_a_made_up_cursor_is_bad_user_input(signed_in, world, name, cursor):
    _refused(signed_in, world, name, cursor)


@pytest.mark.parametrize("name", ["photos", "user.photos", "listed user.photos"])
def test_first_and_last_together_take_the_end_of_the_first_rows(signed_in, world, name):
    spec = SPECS[name]
    everything = idents(fetch(signed_in, world, spec, first=100), spec)
    page = fetch(signed_in, world, spec, first=4, last=2)
    assert idents(page, spec) == everything[2:4]
    assert page["pageInfo"]["hasPreviousPage"] is True
    after = fetch(signed_in, world, spec, after=page["pageInfo"]["startCursor"], first=3, last=1)
    assert idents(after, spec) == everything[5:6]
