"""A blocked person never appears, in any field that returns a User, Photo, Comment, Album,
Event or Notification: the fields are found by walking the served schema from Query, so a
field added later is walked without editing this test.

The walk runs twice as the viewer, vic: before the blocks (every field must answer
something, or the walk covers nothing) and after vic blocked bea and ned blocked vic
(neither may appear anywhere: no username, no ID of theirs or of anything of theirs).
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    Undefined,
    get_named_type,
)

from media_graph.models import Album, Comment, Event, Notification, Photo, Tag
from media_graph.services import (
    album_members,
    comments,
    favorites,
    follow_requests,
    follows,
    likes,
    related,
)
from schema import schema
from schema.engine.execution import graphql_schema
from tests.support.factories import gid, make_album, make_photo
from users.models import User

pytestmark = pytest.mark.django_db

TARGETS = {
    "User": "id username",
    "Photo": "id owner { username }",
    "Comment": "id author { username }",
    "Album": "id owner { username }",
    "Event": "id owner { username }",
    "Notification": "id actor { username }",
}
# The rows each Node type is entered by (node(id:)): every row of the world's.
ENTRIES = {
    "User": User,
    "Photo": Photo,
    "Comment": Comment,
    "Album": Album,
    "Event": Event,
    "Notification": Notification,
    "Tag": Tag,
}
HIDDEN = ("bea", "ned")
# Fields that answer only the viewer's own things (vic, vic's photos): nobody else to hide.
VIEWERS_OWN = {"Query.me", "Notification.photo", "Memory.photos"}


@pytest.fixture
def world(make_user):
    vic, bea, ned, cal = (make_user(name) for name in ("vic", "bea", "ned", "cal"))
    for hidden in (bea, ned):
        photo = make_photo(hidden, "#sunset hidden")
        make_album(hidden, "theirs", visibility="PUBLIC", photos=[photo])
        # A PUBLIC event around their photos (made just now), and two of them related.
        now = timezone.now()
        Event.objects.create(
            owner=hidden,
            title="theirs",
            start=now - timedelta(days=1),
            end=now + timedelta(days=1),
            visibility="PUBLIC",
        )
        related.photos_relate(
            owner=hidden, photo_ids=[photo.pk, make_photo(hidden, "#sunset raw").pk]
        )
        shared = make_album(hidden, "shared with vic", photos=[photo])
        album_members.album_member_add(album=shared, actor=hidden, user=vic, role="VIEWER")
        for other in (vic, cal):
            follows.user_follow(follower=hidden, followee=other)
            follows.user_follow(follower=other, followee=hidden)
            mine = make_photo(other, "#sunset mine")
            likes.photo_like(photo=mine, user=hidden)
            comments.comment_add(photo=mine, author=hidden, text="from the hidden")
            comments.comment_add(photo=photo, author=other, text="to the hidden")
        favorites.photo_favorite(photo=photo, user=vic)
        cals = make_album(cal, "cal's", visibility="PUBLIC", photos=[photo])
        cals.cover = photo
        cals.save()
        album_members.album_member_add(album=cals, actor=cal, user=hidden, role="EDITOR")
        album_members.album_member_add(album=cals, actor=cal, user=vic, role="VIEWER")
    # A photo of vic's taken on this day three years ago: her memories answer it.
    now = timezone.now()
    memory = make_photo(vic, "#sunset remembered")
    memory.taken_at = now.replace(year=now.year - 3, day=min(now.day, 28))
    memory.save()
    # A pending request to vic, from someone hidden after.
    follows.user_unfollow(follower=ned, followee=vic)
    follow_requests.user_set_private(user=vic, is_private=True)
    follows.user_follow(follower=ned, followee=vic)
    return vic, bea, ned, cal


def hidden_ids(bea, ned) -> set[str]:
    """The global IDs of the hidden people and of everything of theirs."""
    people = [bea, ned]
    rows = [("User", p.pk) for p in people]
    rows += [
        ("Photo", pk) for pk in Photo.objects.filter(owner__in=people).values_list("pk", flat=True)
    ]
    rows += [
        ("Comment", pk)
        for pk in Comment.objects.filter(author__in=people).values_list("pk", flat=True)
    ]
    rows += [
        ("Album", pk) for pk in Album.objects.filter(owner__in=people).values_list("pk", flat=True)
    ]
    rows += [
        ("Event", pk) for pk in Event.objects.filter(owner__in=people).values_list("pk", flat=True)
    ]
    rows += [
        ("Notification", pk)
        for pk in Notification.objects.filter(actor__in=people).values_list("pk", flat=True)
    ]
    return {gid(name, pk) for name, pk in rows}


# --- the schema, walked -----------------------------------------------------------------


def _is_wrapper(graphql_type) -> bool:
    """Connections and their edges: walked as the field that returns them."""
    return "edges" in graphql_type.fields or {"node", "cursor"} <= set(graphql_type.fields)


def target_of(field):
    """(how, type name) when `field` returns a target (plainly, a list, a connection, or an
    interface or union that may be one); else None."""
    named = get_named_type(field.type)
    if isinstance(named, GraphQLObjectType) and "edges" in named.fields:
        edge = get_named_type(named.fields["edges"].type)
        node = get_named_type(edge.fields["node"].type)
        return ("connection", node.name) if node.name in TARGETS else None
    if named.name in TARGETS:
        return ("plain", named.name)
    if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
        return ("abstract", named.name)
    return None


def reachable_types(gschema) -> list[GraphQLObjectType]:
    """Object types a query can reach (not through mutations), wrappers left out."""
    seen, todo = set(), [gschema.query_type]
    while todo:
        graphql_type = todo.pop()
        if graphql_type.name in seen:
            continue
        seen.add(graphql_type.name)
        for field in graphql_type.fields.values():
            named = get_named_type(field.type)
            if isinstance(named, GraphQLObjectType):
                todo.append(named)
            elif isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
                todo.extend(gschema.get_possible_types(named))
    found = [gschema.type_map[name] for name in sorted(seen)]
    return [t for t in found if t is gschema.query_type or not _is_wrapper(t)]


def selection(gschema, how: str, type_name: str) -> str:
    if how == "abstract":
        possible = gschema.get_possible_types(gschema.type_map[type_name])
        inner = " ".join(
            f"... on {t.name} {{ {TARGETS[t.name]} }}" for t in possible if t.name in TARGETS
        )
        return f"{{ __typename {inner} }}"
    inner = TARGETS[type_name]
    return f"{{ edges {{ node {{ {inner} }} }} }}" if how == "connection" else f"{{ {inner} }}"


def argument_sets(name: str, field, world_values, target) -> list[str]:
    """The argument lists `field` is called with: required ones filled from the world (an
    `id` with the IDs of the type it answers); a few optional filters tried too."""
    required = {
        arg_name: arg
        for arg_name, arg in field.args.items()
        if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
    }
    values = {}
    for arg_name in required:
        if arg_name not in world_values:
            pytest.fail(f"{name}: no value to call it with for its argument {arg_name!r}")
        values[arg_name] = world_values[arg_name]
        if arg_name == "id" and target[1] in world_values["ids_of"]:
            values[arg_name] = world_values["ids_of"][target[1]]
    calls = [""]
    for arg_name, options in values.items():
        calls = [f"{call} {arg_name}: {json.dumps(option)}" for call in calls for option in options]
    optional = {
        "owner": [json.dumps(u) for u in ("bea", "ned", "cal")],
        "filters": ['{owner: "bea"}', '{tags: ["sunset"]}', '{search: "hidden"}'],
    }
    for arg_name, options in optional.items():
        if arg_name in field.args and arg_name not in values:
            calls += [f"{arg_name}: {option}" for option in options]
    return [f"({call.strip()})" if call.strip() else "" for call in calls]


def documents(gschema, world_values, entries):
    """(field name, GraphQL document) for every target field of every reachable type."""
    node_types = {t.name for t in gschema.get_possible_types(gschema.type_map["Node"])}
    for parent in reachable_types(gschema):
        for field_name, field in parent.fields.items():
            target = target_of(field)
            if target is None:
                continue
            key = f"{parent.name}.{field_name}"
            if target[0] == "abstract" and not any(
                t.name in TARGETS for t in gschema.get_possible_types(gschema.type_map[target[1]])
            ):
                continue
            inner = selection(gschema, *target)
            for args in argument_sets(key, field, world_values, target):
                call = f"{field_name}{args} {inner}"
                for wrapped in enter(gschema, parent, call, node_types, entries):
                    yield key, wrapped


def enter(gschema, parent, call, node_types, entries):
    """Documents that reach `parent` and select `call` on it."""
    if parent is gschema.query_type:
        yield f"{{ {call} }}"
        return
    if parent.name in node_types:
        if parent.name not in entries:
            pytest.fail(f"{parent.name}: no rows to enter it by (add its model to ENTRIES)")
        for entry in entries[parent.name]:
            yield f'{{ node(id: "{entry}") {{ ... on {parent.name} {{ {call} }} }} }}'
        return
    # A plain type (AlbumMember): through the Node types' fields that return it.
    routes = [
        (holder, name)
        for holder in reachable_types(gschema)
        if holder.name in node_types
        for name, field in holder.fields.items()
        if get_named_type(field.type) is parent and not field.args
    ]
    if not routes:
        # Only from the root (Memory: Query.memories), by a field without required args.
        roots = [
            name
            for name, field in gschema.query_type.fields.items()
            if get_named_type(field.type) is parent
            and not any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values())
        ]
        if not roots:
            pytest.fail(f"{parent.name}: no route from a Node type or from Query")
        for name in roots:
            yield f"{{ {name} {{ {call} }} }}"
        return
    for holder, name in routes:
        for entry in entries[holder.name]:
            yield (
                f'{{ node(id: "{entry}") {{ ... on {holder.name} {{ {name} {{ {call} }} }} }} }}'
            )


def answered(data) -> bool:
    """The answer holds something besides nulls and empty lists."""
    if isinstance(data, dict):
        return any(answered(value) for value in data.values())
    if isinstance(data, list):
        return any(answered(value) for value in data)
    return data is not None


def walk(client, gschema, world_values, entries, hidden: set[str]):
    """{field: (answered something, showed someone hidden)} over every document."""
    results: dict[str, tuple[bool, bool]] = {}
    for key, document in documents(gschema, world_values, entries):
        response = client.execute(document)
        assert response.status == 200, (document, response.body)
        assert not response.body.get("errors"), (document, response.body)
        text = json.dumps(response.data)
        shows = any(f'"{name}"' in text for name in HIDDEN) or any(
            f'"{value}"' in text for value in hidden
        )
        was_answered, was_shown = results.get(key, (False, False))
        results[key] = (was_answered or answered(response.data), was_shown or shows)
    return results


def test_a_blocked_person_appears_in_no_field(world, client_of, capsys):
    vic, bea, ned, _cal = world
    gschema = graphql_schema(schema)
    as_vic = client_of(vic)
    entries = {
        name: [gid(name, pk) for pk in model.objects.order_by("pk").values_list("pk", flat=True)]
        for name, model in ENTRIES.items()
    }
    world_values = {
        "username": ["vic", "bea", "ned", "cal"],
        "id": [entry for ids in entries.values() for entry in ids],
        "name": ["sunset"],
        "query": ["sunset", "hidden"],  # search: the words of the world's captions
        "ids_of": entries,
    }
    hidden = hidden_ids(bea, ned)

    before = walk(as_vic, gschema, world_values, entries, hidden)
    silent = sorted(key for key, (was_answered, _) in before.items() if not was_answered)
    assert not silent, f"fields the walk reached but never got an answer from: {silent}"
    shown_before = sorted(key for key, (_, shown) in before.items() if shown)

    block = """mutation($u: String!) { blockUser(input: {username: $u}) { __typename } }"""
    assert as_vic.execute(block, {"u": "bea"}).data["blockUser"]["__typename"] == "User"
    assert client_of(ned).execute(block, {"u": "vic"}).data["blockUser"]["__typename"] == "User"

    after = walk(as_vic, gschema, world_values, entries, hidden)
    shown_after = sorted(key for key, (_, shown) in after.items() if shown)
    assert shown_after == []
    assert set(after) == set(before)
    with capsys.disabled():
        print(
            f"\nblocked-everywhere walk: {len(after)} fields covered; {len(shown_before)} "
            f"showed a hidden person before the blocks, none after (never could: "
            f"{sorted(set(after) - set(shown_before))})"
        )
    # A walk that showed nobody before the blocks proves nothing: every field did but
    # those that only ever answer the viewer's own.
    assert set(after) - set(shown_before) <= VIEWERS_OWN
