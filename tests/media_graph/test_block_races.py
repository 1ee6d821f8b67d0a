"""A block while follows, follow requests, likes, comments and album shares between the
two are in flight (real threads on PostgreSQL, released together; see
test_concurrency.py).

Whatever the order, no follow, request or album membership between them is left once
the block has committed: a write that held both accounts first is ended by the block,
which waits for it; one that comes after finds the block and fails as `not_found`. Every
counter agrees with its edges.
"""

import pytest
from django.core.exceptions import ObjectDoesNotExist

from media_graph.models import AlbumMember
from media_graph.services import album_members, blocks, comments, follows, likes
from tests.media_graph.test_account_deletion_races import clean
from tests.media_graph.test_concurrency import (
    CONCURRENT_WRITERS,
    assert_no_drift,
    make_users,
    run_together,
)
from tests.support.factories import make_album, make_photo
from users.models import Follow, FollowRequest

pytestmark = CONCURRENT_WRITERS
ROUNDS = 6


def test_writes_racing_a_block_leave_no_edge_between_them():
    amy, ben = make_users("racer", 2)
    amys_photo, bens_photo = make_photo(amy, "amy's"), make_photo(ben, "ben's")
    album = make_album(amy, "amy's album")
    for _ in range(ROUNDS):
        results = run_together(
            [
                lambda: blocks.user_block(blocker=amy, blocked=ben),
                clean(lambda: follows.user_follow(follower=ben, followee=amy)),
                clean(lambda: follows.user_follow(follower=amy, followee=ben)),
                clean(lambda: likes.photo_like(photo=amys_photo, user=ben)),
                clean(lambda: comments.comment_add(photo=bens_photo, author=amy, text="hi")),
                clean(
                    lambda: album_members.album_member_add(
                        album=album, actor=amy, user=ben, role="VIEWER"
                    )
                ),
            ]
        )
        assert results[0] is True
        pair = [amy, ben]
        assert not Follow.objects.filter(follower__in=pair, followee__in=pair).exists()
        assert not FollowRequest.objects.filter(requester__in=pair, target__in=pair).exists()
        assert not AlbumMember.objects.filter(album=album, user=ben).exists()
        # Each write either landed first (and what the block ends, it ended) or was refused.
        assert all(result is not None for result in results[1:])
        assert_no_drift()
        # Afterwards, every write between them is not_found.
        with pytest.raises(ObjectDoesNotExist):
            follows.user_follow(follower=ben, followee=amy)
        blocks.user_unblock(blocker=amy, blocked=ben)
        likes.photo_unlike(photo=amys_photo, user=ben)
    assert_no_drift()
