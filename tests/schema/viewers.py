"""One document that shows whose rows a viewer sees, and the rows it is run against.

Used in-process (tests/schema/engine/test_plans.py) and against a live gunicorn with threads
(tests/schema/engine/test_plans_live.py), where `build_world()` runs in `manage.py shell`.
"""

EVERYTHING = """query Everything($first: Int!) {
  photos(first: $first) { edges { node {
    caption viewerHasLiked
    owner { username photos(first: 10) { edges { node { caption status viewerHasLiked } } } }
  } } }
  albums(first: 10) { edges { node {
    title photosCount cover { caption }
    photos(first: 10) { edges { node { caption } } }
  } } }
}"""

# What each viewer must see of the world, order aside (see `seen`).
EXPECTED = {
    "alice": {
        "captions": {"a1", "a-draft", "b1"},
        "liked": {"b1"},
        "albums": {"A public": (2, "a-draft"), "A private": (1, "a1"), "B public": (1, "b1")},
    },
    "bob": {
        "captions": {"a1", "b1", "b-draft"},
        "liked": {"a1", "b1"},
        "albums": {"A public": (1, "a1"), "B public": (2, "b-draft")},
    },
    "anonymous": {
        "captions": {"a1", "b1"},
        "liked": set(),
        "albums": {"A public": (1, "a1"), "B public": (1, "b1")},
    },
}


def build_world() -> None:
    """alice and bob, a published photo and a draft each, likes, public and private albums."""
    from media_graph.models import Like
    from tests.support.accounts import PASSWORD
    from tests.support.factories import make_album, photo_row
    from users.models import User

    alice, bob = (
        User.objects.create_user(name, f"{name}@example.com", PASSWORD, display_name=name)
        for name in ("alice", "bob")
    )
    a1, a_draft = photo_row(alice, "a1"), photo_row(alice, "a-draft", published=False)
    b1, b_draft = photo_row(bob, "b1"), photo_row(bob, "b-draft", published=False)
    Like.objects.create(user=alice, photo=b1)
    Like.objects.create(user=bob, photo=a1)
    Like.objects.create(user=bob, photo=b1)
    make_album(alice, "A public", visibility="PUBLIC", photos=[a_draft, a1])
    make_album(alice, "A private", photos=[a1])
    make_album(bob, "B public", visibility="PUBLIC", photos=[b_draft, b1], cover=b_draft)


def seen(data: dict) -> dict:
    """What an answer to EVERYTHING shows, order aside: captions, liked ones, albums."""
    captions, liked = set(), set()

    def walk(value):
        if isinstance(value, dict):
            if "caption" in value:
                captions.add(value["caption"])
                if value.get("viewerHasLiked"):
                    liked.add(value["caption"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    albums = {
        edge["node"]["title"]: (
            edge["node"]["photosCount"],
            edge["node"]["cover"]["caption"] if edge["node"]["cover"] else None,
        )
        for edge in data["albums"]["edges"]
    }
    return {"captions": captions, "liked": liked, "albums": albums}
