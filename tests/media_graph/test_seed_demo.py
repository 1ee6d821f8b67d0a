"""`manage.py seed_demo`, checked through the API as a demo visitor would see it."""

import io

import pytest
from django.core.management import CommandError, call_command

from media_graph.management.commands.seed_demo import DEFAULT_PASSWORD
from media_graph.models import Album, Comment, Like, Photo, Tag
from users.models import Follow, User

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.parametrize("media", ["filesystem"], indirect=True),
]

LOGIN = """
mutation($username: String!, $password: String!) {
  tokenAuth(username: $username, password: $password) { token }
}
"""

THUMBNAILS = """
  small: thumbnail(size: SMALL) { url width height }
  medium: thumbnail(size: MEDIUM) { url width height }
  large: thumbnail(size: LARGE) { url width height }
"""

PHOTOS = f"""
query($filters: PhotoFilter) {{
  photos(first: 100, filters: $filters) {{
    totalCount
    edges {{ node {{
      id status caption altText takenAt exif likesCount commentsCount
      owner {{ username }} tags {{ name photosCount }}
      {THUMBNAILS}
    }} }}
  }}
}}
"""


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def sign_in(gql, username: str, password: str = DEFAULT_PASSWORD) -> None:
    gql.token = None
    response = gql.execute(LOGIN, {"username": username, "password": password}, headers={})
    gql.token = response.data["tokenAuth"]["token"]


def fetch(gql, url: str) -> tuple[int, str]:
    response = gql.http.get(url.removeprefix("http://testserver"))
    return response.status_code, response.headers["Content-Type"]


def snapshot() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Follow, Photo, Tag, Like, Comment, Album)
    }


def test_seed_demo_fills_the_api_and_runs_only_once(gql, media):
    output = seed()
    assert "Seeded the demo" in output
    assert DEFAULT_PASSWORD in output  # the login hint
    counts = snapshot()
    assert counts["User"] == 4 and counts["Follow"] >= 4
    assert counts["Photo"] >= 12 and counts["Like"] > 0 and counts["Comment"] > 0

    # Anonymous visitors see the published photos, each with its three thumbnails.
    public = gql.execute(PHOTOS, headers={}).data["photos"]
    published = Photo.objects.filter(status=Photo.Status.PUBLISHED).count()
    assert published >= 12
    assert public["totalCount"] == published < counts["Photo"]  # drafts stay hidden
    for edge in public["edges"]:
        photo = edge["node"]
        assert photo["status"] == "PUBLISHED"
        assert photo["exif"] is None  # owner only
        assert photo["takenAt"] is not None
        assert photo["altText"]
        assert "#" in photo["caption"] and photo["tags"]
        assert (photo["small"]["width"], photo["small"]["height"]) == (320, 320)
        assert max(photo["medium"]["width"], photo["medium"]["height"]) == 640
        assert max(photo["large"]["width"], photo["large"]["height"]) <= 1280
    sizes = {(e["node"]["large"]["width"], e["node"]["large"]["height"]) for e in public["edges"]}
    assert len(sizes) >= 3  # landscape, portrait and square pictures
    assert fetch(gql, public["edges"][0]["node"]["small"]["url"]) == (200, "image/jpeg")
    assert sum(e["node"]["likesCount"] for e in public["edges"]) == counts["Like"]
    assert sum(e["node"]["commentsCount"] for e in public["edges"]) == counts["Comment"]

    # Tags count the published photos that carry them.
    tags = gql.execute("{ tags(first: 100) { edges { node { name photosCount } } } }").data
    tag_counts = {e["node"]["name"]: e["node"]["photosCount"] for e in tags["tags"]["edges"]}
    assert max(tag_counts.values()) >= 2
    for name, count in tag_counts.items():
        carrying = [e for e in public["edges"] if name in {t["name"] for t in e["node"]["tags"]}]
        assert count == len(carrying), name

    # Every demo user logs in with the demo password and has a non-empty feed.
    usernames = list(User.objects.values_list("username", flat=True))
    for username in usernames:
        sign_in(gql, username)
        me = gql.execute("{ me { displayName bio followingCount followersCount } }").data["me"]
        assert me["displayName"] and me["bio"]
        feed = gql.execute("{ feed(first: 50) { totalCount } }").data["feed"]
        assert feed["totalCount"] > 0, username

    # An owner sees their drafts (made with thumbnails too) and their EXIF, GPS included.
    drafts = Photo.objects.filter(status=Photo.Status.DRAFT)
    assert drafts.exists()
    owner = drafts.first().owner
    sign_in(gql, owner.username)
    mine = gql.execute(PHOTOS, {"filters": {"status": "DRAFT"}}).data["photos"]
    assert mine["totalCount"] == drafts.filter(owner=owner).count()
    assert all(e["node"]["small"] for e in mine["edges"])
    every_exif = [p.exif for p in Photo.objects.all()]
    assert all(exif.get("camera") and exif.get("takenAt") for exif in every_exif)
    assert any("gps" in exif for exif in every_exif)
    assert any("gps" not in exif for exif in every_exif)

    # One public album for everyone, one private album for its owner only.
    albums = gql.execute(
        "{ albums(first: 50) { edges { node { visibility photosCount cover { id } } } } }",
        headers={},
    ).data["albums"]["edges"]
    assert [a["node"]["visibility"] for a in albums] == ["PUBLIC"]
    assert albums[0]["node"]["photosCount"] >= 2 and albums[0]["node"]["cover"]
    assert Album.objects.filter(visibility=Album.Visibility.PRIVATE).exists()

    # Every counter matches its rows: --check exits 1 (SystemExit) on any drift.
    out = io.StringIO()
    call_command("recount", check=True, stdout=out)
    assert "0 counter(s) drifted" in out.getvalue()

    # A second run sees the demo users and changes nothing.
    stored = sorted(p.name for p in media.root.rglob("*") if p.is_file())
    again = seed()
    assert "exist already" in again
    assert snapshot() == counts
    assert sorted(p.name for p in media.root.rglob("*") if p.is_file()) == stored


def test_seed_demo_takes_another_password(gql, media):
    output = seed(password="another-demo-secret-42")
    assert "another-demo-secret-42" in output
    sign_in(gql, "mila", "another-demo-secret-42")
    assert gql.execute("{ me { username } }").data["me"] == {"username": "mila"}


def test_seed_demo_refuses_a_weak_password_before_writing(media):
    with pytest.raises(CommandError, match="--password"):
        seed(password="123")
    assert snapshot() == dict.fromkeys(snapshot(), 0)
