"""likePhoto + unlikePhoto stay within 17 SQL statements for the pair.

Issue 6's budget was 8; every mutation's answer is now read again through the optimizer
(schema.core.common.refetch) instead of being patched in memory by the services, which costs
each mutation one primary-key SELECT; each holds the liker's account against its
deletion (users/locks.py), one more; and each writes (or withdraws) the photo owner's
notification in its transaction, one statement more (issue 16); and each records its
live events in the outbox (live/outbox.py, issue 25): the photo's change, and for a like
the new notification's, one INSERT each.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from media_graph.models import Photo

PAIR = """
mutation($input: PhotoRefInput!) {{
  {name}(input: $input) {{ ... on Photo {{ id likesCount viewerHasLiked }} }}
}}
"""


def statements(gql, name: str, photo_id: str) -> tuple[list[str], dict]:
    with CaptureQueriesContext(connection) as captured:
        data = gql.execute(PAIR.format(name=name), {"input": {"photoId": photo_id}}).data[name]
    # Transaction control is not work: the test's own transaction turns each atomic block
    # into SAVEPOINT/RELEASE, which is BEGIN/COMMIT in production.
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    sql = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(control)]
    return sql, data


def test_like_and_unlike_take_ten_and_eight_statements(gql, alice, bob, login):
    Photo.objects.create(
        owner=alice,
        status="PUBLISHED",
        published_at="2025-01-01T00:00:00Z",
        original="originals/x.jpg",
        content_type="image/jpeg",
        size_bytes=1,
        sha256="x",
        width=1,
        height=1,
    )
    photo_id = gql.execute("{ photos { edges { node { id } } } }").data["photos"]["edges"][0][
        "node"
    ]["id"]
    login(bob)
    liked, like_data = statements(gql, "likePhoto", photo_id)
    unliked, unlike_data = statements(gql, "unlikePhoto", photo_id)
    assert like_data == {"id": photo_id, "likesCount": 1, "viewerHasLiked": True}
    assert unlike_data == {"id": photo_id, "likesCount": 0, "viewerHasLiked": False}
    # Each: the viewer (token), the photo (visibility), the account held, the edge, the
    # counter, the owner's notification (INSERT, or DELETE of an unread one), the answer;
    # a like also asks whether a block came between them meanwhile (users/locks.py); the
    # outbox: the photo's event, and the like's notification's event.
    assert len(liked) == 10, liked
    assert len(unliked) == 8, unliked
