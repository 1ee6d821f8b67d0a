"""Statements of the trust-and-safety reads: followRequests is one page query whatever its
size, and blocks and mutes are subqueries, so the feed costs the same statements with
none of them or with many."""

import pytest

from media_graph.services import follow_requests, follows
from tests.support.factories import make_photo
from tests.support.query_counts import counts, execute_recorded
from users.models import Block, Mute, User

pytestmark = pytest.mark.django_db

REQUESTERS = 60


def test_follow_requests(gql, login, make_user):
    owner = make_user("owner")
    follow_requests.user_set_private(user=owner, is_private=True)
    requesters = [make_user(f"r{n:02}") for n in range(REQUESTERS)]
    for requester in requesters:
        follows.user_follow(follower=requester, followee=owner)
    login(owner)

    def check(data, size):
        page = data["me"]["followRequests"]
        assert page["totalCount"] == REQUESTERS
        names = [edge["node"]["username"] for edge in page["edges"]]
        assert names == [r.username for r in requesters[:size]]
        assert all(edge["node"]["viewerFollowRequested"] is False for edge in page["edges"])

    document = """{ me { followRequests(first: $N) { totalCount edges { node {
        username viewerIsFollowing viewerFollowRequested viewerHasMuted followersCount
    } } } } }"""
    count_5, count_50 = counts(gql, document, check)
    # 1. the viewer's token; 2. the page (flags are EXISTS in it); 3. the total
    assert count_5 == count_50 <= 3


FEED = """{ feed(first: 20) { edges { node {
    id caption owner { username } likesCount viewerHasLiked } } } }"""


def feed_statements(gql) -> tuple[list, list[str]]:
    data, sql = execute_recorded(gql, FEED)
    return [edge["node"]["caption"] for edge in data["feed"]["edges"]], sql


def test_the_feed_costs_the_same_statements_with_many_blocks_and_mutes(gql, login, make_user):
    viewer, friend = make_user("viewer"), make_user("friend")
    follows.user_follow(follower=viewer, followee=friend)
    for n in range(25):
        make_photo(friend, f"friend {n}")
    login(viewer)
    captions, none = feed_statements(gql)
    assert len(captions) == 20

    others = User.objects.bulk_create(
        User(username=f"x{n}", email=f"x{n}@example.com") for n in range(200)
    )
    Block.objects.bulk_create(Block(blocker=viewer, blocked=u) for u in others[:100])
    Mute.objects.bulk_create(Mute(muter=viewer, muted=u) for u in others[100:])
    muted = others[150]
    follows.user_follow(follower=viewer, followee=muted)
    make_photo(muted, "muted")
    after_captions, many = feed_statements(gql)
    assert after_captions == captions
    assert len(many) == len(none)
    # Not a list of IDs that grows with the blocks: the same statements, word for word.
    assert many == none
