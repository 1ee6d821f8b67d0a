"""The notifications list costs the same SQL statements at 5 and at 50 per page.

Rows are written in bulk (the services are tested elsewhere): bob gets 60 notifications of
every kind, about his photos, comments on them and albums shared with him. Each relation
(actor, photo, comment, album) is one prefetch through its type's visibility, whatever
the page size.
"""

import pytest

from media_graph.models import Comment, Notification
from tests.support.factories import make_album, photo_row
from tests.support.query_counts import counts, unjoined

pytestmark = pytest.mark.django_db

NOTIFICATIONS = """{
  notifications(first: $N) { totalCount edges { node {
    kind read createdAt
    actor { username displayName viewerIsFollowing }
    photo { caption likesCount owner { username } }
    comment { text author { username } }
    album { title owner { username } }
  } } }
  me { unreadNotificationsCount emailNotifications }
}"""


@pytest.fixture
def world(make_user, bob):
    fans = [make_user(f"fan{i:02}") for i in range(15)]
    photos = [photo_row(bob, f"photo {i}") for i in range(15)]
    albums = [make_album(fans[i], f"album {i}", visibility="PUBLIC") for i in range(15)]
    rows = []
    for i in range(15):
        fan = fans[i]
        comment = Comment.objects.create(photo=photos[i], author=fan, text=f"comment {i}")
        rows += [
            Notification(recipient=bob, actor=fan, kind="FOLLOWED"),
            Notification(recipient=bob, actor=fan, kind="LIKED", photo=photos[i]),
            Notification(
                recipient=bob, actor=fan, kind="COMMENTED", photo=photos[i], comment=comment
            ),
            Notification(recipient=bob, actor=fan, kind="ALBUM_SHARED", album=albums[i]),
        ]
    Notification.objects.bulk_create(rows)


def test_the_list_costs_the_same_at_any_page_size(gql, login, bob, world):
    login(bob)

    def check(data, size):
        edges = data["notifications"]["edges"]
        assert len(edges) == size
        assert data["notifications"]["totalCount"] == 60
        assert data["me"] == {"unreadNotificationsCount": 60, "emailNotifications": True}
        for node in (edge["node"] for edge in edges):
            assert node["actor"]["username"].startswith("fan")
            assert (node["photo"] is not None) == (node["kind"] in ("LIKED", "COMMENTED"))
            assert (node["comment"] is not None) == (node["kind"] == "COMMENTED")
            assert (node["album"] is not None) == (node["kind"] == "ALBUM_SHARED")

    small, large = counts(gql, NOTIFICATIONS, check)
    assert small == large
    # The viewer (token), the page (with its total), one prefetch each for the actors, the
    # photos, the comments and the albums (their owners and authors joined), me's count.
    assert large == 7 + unjoined(3)


def test_the_viewers_count_in_a_list_of_users_is_one_statement(gql, login, bob, world):
    """Every photo's owner is the viewer: the count is an annotation, not a query each."""
    login(bob)
    document = "{ photos(first: $N) { edges { node { owner { unreadNotificationsCount } } } } }"

    def check(data, size):
        owners = [edge["node"]["owner"] for edge in data["photos"]["edges"]]
        assert owners == [{"unreadNotificationsCount": 60}] * min(size, 15)

    small, large = counts(gql, document, check)
    assert small == large
