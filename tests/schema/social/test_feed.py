"""feed(first:, after:): the published photos of the people the viewer follows and the
viewer's own, newest first, paged by a keyset cursor on (publishedAt, id).

Photos are written as rows (valid fields, no image bytes: the feed never reads them)
with chosen publication times, so that the expected order is known exactly.
"""

from datetime import timedelta

import pytest

from media_graph.models import Photo
from media_graph.services.follows import user_follow
from tests.support.client import captions
from tests.support.factories import T0, b64, gid, photo_row

pytestmark = pytest.mark.django_db


def photo_at(owner, caption: str, *, minute: float = 0, published: bool = True):
    """A photo row by `owner`, published at T0 + `minute` minutes (or a draft)."""
    return photo_row(
        owner, caption, published=published, published_at=T0 + timedelta(minutes=minute)
    )


FEED = """
query Feed($first: Int, $after: String) {
  feed(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id caption status owner { username } } }
  }
}
"""


def feed(gql, **variables) -> dict:
    return gql.execute(FEED, variables).data["feed"]


def newest_first(photos: list[Photo]) -> list[str]:
    return [p.caption for p in sorted(photos, key=lambda p: (p.published_at, p.pk), reverse=True)]


# --- what is in it ---------------------------------------------------------------------


def test_followed_and_own_published_photos_newest_first(gql, login, make_user):
    alice, bob, carol, dave = (make_user(name) for name in ("alice", "bob", "carol", "dave"))
    user_follow(follower=alice, followee=bob)
    user_follow(follower=alice, followee=dave)
    user_follow(follower=carol, followee=alice)  # carol follows alice, not the other way

    photo_at(bob, "bob 1", minute=1)
    photo_at(alice, "alice 2", minute=2)
    photo_at(carol, "carol 3", minute=3)  # not followed
    photo_at(bob, "bob draft", published=False)  # a draft, even of a followee
    photo_at(alice, "alice draft", published=False)  # the viewer's own draft: not in the feed
    photo_at(bob, "bob 4", minute=4)
    photo_at(dave, "dave 5", minute=5)  # followed, but deactivated below
    photo_at(alice, "alice 6", minute=6)
    dave.is_active = False
    dave.save(update_fields=["is_active"])

    login(alice)
    page = feed(gql)
    assert captions(page) == ["alice 6", "bob 4", "alice 2", "bob 1"]
    assert [edge["node"]["owner"]["username"] for edge in page["edges"]] == [
        "alice",
        "bob",
        "alice",
        "bob",
    ]
    assert {edge["node"]["status"] for edge in page["edges"]} == {"PUBLISHED"}
    assert page["totalCount"] == 4
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["hasPreviousPage"] is False


def test_following_is_one_way(gql, login, make_user):
    alice, bob, carol = (make_user(name) for name in ("alice", "bob", "carol"))
    user_follow(follower=carol, followee=alice)
    photo_at(alice, "alice 1", minute=1)
    photo_at(bob, "bob 2", minute=2)
    photo_at(carol, "carol 3", minute=3)

    login(carol)
    assert captions(feed(gql)) == ["carol 3", "alice 1"]
    login(alice)
    assert captions(feed(gql)) == ["alice 1"]
    login(bob)
    page = feed(gql)
    assert captions(page) == ["bob 2"] and page["totalCount"] == 1


def test_a_viewer_who_follows_nobody_and_posted_nothing_has_an_empty_feed(gql, login, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    photo_at(bob, "bob 1", minute=1)
    login(alice)
    page = feed(gql)
    assert page == {
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "edges": [],
    }


FOLLOW = """
mutation($input: UserRefInput!) {
  followUser(input: $input) { __typename ... on User { username } }
}
"""
UNFOLLOW = """
mutation($input: UserRefInput!) {
  unfollowUser(input: $input) { __typename ... on User { username } }
}
"""


def test_following_and_unfollowing_through_the_api_changes_the_feed(gql, login, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    photo_at(alice, "alice 1", minute=1)
    photo_at(bob, "bob 2", minute=2)
    login(alice)
    assert captions(feed(gql)) == ["alice 1"]

    assert gql.mutate("followUser", FOLLOW, {"input": {"username": "bob"}}) == {
        "__typename": "User",
        "username": "bob",
    }
    assert captions(feed(gql)) == ["bob 2", "alice 1"]

    assert gql.mutate("unfollowUser", UNFOLLOW, {"input": {"username": "bob"}})["__typename"] == (
        "User"
    )
    assert captions(feed(gql)) == ["alice 1"]


def test_an_unpublished_photo_leaves_the_feed(gql, login, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    user_follow(follower=alice, followee=bob)
    photo = photo_at(bob, "bob 1", minute=1)
    photo_at(bob, "bob 2", minute=2)
    login(alice)
    assert captions(feed(gql)) == ["bob 2", "bob 1"]

    Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.DRAFT, published_at=None)
    page = feed(gql)
    assert captions(page) == ["bob 2"] and page["totalCount"] == 1


# --- who may ask -----------------------------------------------------------------------


def test_anonymous_viewers_get_an_unauthenticated_error(gql, make_user):
    photo_at(make_user("alice"), "alice 1", minute=1)
    response = gql.execute(FEED)
    assert response.status == 200
    assert response.error_codes == ["UNAUTHENTICATED"]
    assert response.errors[0]["path"] == ["feed"]
    assert response.body["data"] is None


def test_a_bad_token_gets_an_unauthenticated_error(gql, make_user):
    photo_at(make_user("alice"), "alice 1", minute=1)
    response = gql.execute(FEED, headers={"Authorization": "JWT not.a.token"})
    assert response.error_codes == ["UNAUTHENTICATED"]
    assert response.body["data"] is None


# --- paging ----------------------------------------------------------------------------


@pytest.fixture
def seven(make_user, login, gql) -> list[str]:
    """Alice follows bob; seven photos between them, three published in the same minute
    (they sort by id, newest first). Answers the captions in feed order; alice signed in."""
    alice, bob = make_user("alice"), make_user("bob")
    user_follow(follower=alice, followee=bob)
    photos = [
        photo_at(bob, "b1", minute=1),
        photo_at(alice, "a2", minute=2),
        photo_at(bob, "b3", minute=3),
        photo_at(alice, "a4", minute=4),
        photo_at(bob, "b4", minute=4),
        photo_at(bob, "bb4", minute=4),
        photo_at(alice, "a5", minute=5),
    ]
    photo_at(bob, "draft", published=False)
    login(alice)
    expected = newest_first(photos)
    assert expected == ["a5", "bb4", "b4", "a4", "b3", "a2", "b1"]
    return expected


def test_first_and_after_walk_every_photo_once(gql, seven):
    seen, pages, after = [], [], None
    while True:
        page = feed(gql, first=3, after=after)
        pages.append(page)
        assert page["totalCount"] == 7
        edges = page["edges"]
        info = page["pageInfo"]
        assert info["startCursor"] == edges[0]["cursor"]
        assert info["endCursor"] == edges[-1]["cursor"]
        assert info["hasPreviousPage"] is (after is not None)
        seen += captions(page)
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
        assert len(pages) < 5, "the feed does not end"
    assert [len(page["edges"]) for page in pages] == [3, 3, 1]
    assert seen == seven


def test_one_at_a_time_through_photos_published_in_the_same_instant(gql, seven):
    seen, after = [], None
    for _ in range(7):
        page = feed(gql, first=1, after=after)
        seen += captions(page)
        after = page["pageInfo"]["endCursor"]
    assert page["pageInfo"]["hasNextPage"] is False
    assert seen == seven
    last = feed(gql, first=1, after=after)
    assert last["edges"] == [] and last["pageInfo"]["hasNextPage"] is False


def test_a_photo_published_after_page_one_does_not_shift_page_two(gql, seven):
    first_page = feed(gql, first=3)
    assert captions(first_page) == seven[:3]

    bob = Photo.objects.get(caption="b1").owner
    photo_at(bob, "newest", minute=10)  # lands on top of page one, not into page two

    second_page = feed(gql, first=3, after=first_page["pageInfo"]["endCursor"])
    assert captions(second_page) == seven[3:6]
    assert second_page["totalCount"] == 8
    assert captions(feed(gql, first=3)) == ["newest", *seven[:2]]


def test_the_next_page_continues_after_the_cursor_when_its_photo_is_gone(gql, seven):
    first_page = feed(gql, first=3)
    assert captions(first_page) == seven[:3]
    Photo.objects.filter(caption__in=seven[1:3]).delete()  # including the cursor's photo

    second_page = feed(gql, first=3, after=first_page["pageInfo"]["endCursor"])
    assert captions(second_page) == seven[3:6]
    assert second_page["pageInfo"]["hasNextPage"] is True


def test_cursors_are_the_edges_own(gql, seven):
    whole = feed(gql, first=7)
    for index, edge in enumerate(whole["edges"]):
        rest = feed(gql, first=7, after=edge["cursor"])
        assert captions(rest) == seven[index + 1 :]


@pytest.mark.parametrize(
    "after",
    [
        "",
        "%%%",
        "nope",
        b64("arrayconnection:2"),  # an offset cursor from another list
        b64("feed:yesterday|3"),
        b64("feed:2024-06-01T12:00:00+00:00|x"),
        b64("2024-06-01T12:00:00+00:00|3"),
    ],
)
def test_a_bad_after_is_bad_user_input(gql, seven, after):
    response = gql.execute(FEED, {"first": 3, "after": after})
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert response.body["data"] is None


@pytest.mark.parametrize("first", [101, 1000, -1])
def test_first_out_of_range_is_bad_user_input(gql, seven, first):
    response = gql.execute(FEED, {"first": first})
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert response.body["data"] is None


def test_first_100_is_allowed(gql, seven):
    page = feed(gql, first=100)
    assert captions(page) == seven
    assert page["pageInfo"]["hasNextPage"] is False


def test_the_default_page_is_20(gql, login, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    user_follow(follower=alice, followee=bob)
    photos = [photo_at(bob, f"bob {i}", minute=i) for i in range(25)]
    login(alice)

    page = feed(gql)
    assert captions(page) == [f"bob {i}" for i in range(24, 4, -1)]
    assert page["totalCount"] == 25
    assert page["pageInfo"]["hasNextPage"] is True

    rest = feed(gql, after=page["pageInfo"]["endCursor"])
    assert captions(rest) == [f"bob {i}" for i in range(4, -1, -1)]
    assert rest["totalCount"] == 25
    assert rest["pageInfo"]["hasNextPage"] is False
    assert [edge["node"]["id"] for edge in page["edges"] + rest["edges"]] == [
        gid("Photo", p.pk) for p in reversed(photos)
    ]
