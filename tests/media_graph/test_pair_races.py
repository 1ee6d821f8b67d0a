"""Two uploads of one pair written at the same moment still end in one group: each
looks for its partner under a lock per owner and name, so the second to look sees the
first committed (media_graph/services/related.py)."""

import threading
from datetime import UTC, datetime

from django.db import transaction

from media_graph.models import Photo, PhotoGroup
from media_graph.services.related import photo_pair
from tests.media_graph.test_concurrency import CONCURRENT_WRITERS, run_together
from tests.support.factories import photo_row

pytestmark = CONCURRENT_WRITERS

TAKEN = datetime(2024, 5, 1, 10, 20, 30, tzinfo=UTC)


def test_two_halves_written_at_once_are_grouped(alice):
    for round_ in range(3):
        name = f"IMG_{round_}"
        both_written = threading.Barrier(2)

        def upload(name=name, both_written=both_written):
            with transaction.atomic():
                photo = photo_row(alice)
                Photo.objects.filter(pk=photo.pk).update(source_name=name, taken_at=TAKEN)
                photo.source_name, photo.taken_at = name, TAKEN
                # Neither sees the other's row until it commits: without the lock, each
                # would look, find nothing and commit alone.
                both_written.wait(timeout=30)
                photo_pair(photo)

        run_together([upload, upload])
        groups = set(Photo.objects.filter(source_name=name).values_list("group_id", flat=True))
        assert len(groups) == 1 and None not in groups, f"round {round_}: {groups}"
    assert PhotoGroup.objects.count() == 3
