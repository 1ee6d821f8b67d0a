"""Repair: re-queue photos whose variants are missing, find objects no row refers to.

A dry run by default: it reports each finding, one line each, and a summary. `--fix`
acts: photos go back to PENDING with a new task (inline without a broker), orphans
are deleted. Photos whose original is gone are reported only: nothing can be made.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from media_graph import storage
from media_graph.repair import find_drift
from media_graph.services.processing import photo_requeue, queue_thumbnails

# Orphans are deleted in batches of this many keys (one DeleteObjects call each).
_DELETE_BATCH = 1000


class Command(BaseCommand):
    help = (
        "Find photos whose thumbnails are missing or FAILED and stored objects that no "
        "photo refers to; report them (the default) or, with --fix, re-queue the photos "
        "and delete the orphans."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="re-queue and delete")
        parser.add_argument(
            "--grace-minutes",
            type=float,
            default=60,
            help="leave alone what is younger (uploads and queued sets at work); default 60",
        )

    def handle(self, *args, fix: bool = False, grace_minutes: float = 60, **options):
        counts = {"photo": 0, "orphan": 0, "lost": 0}
        orphans: list[str] = []
        for finding in find_drift(grace=timedelta(minutes=grace_minutes)):
            counts[finding.kind] += 1
            self.stdout.write(str(finding))
            if not fix:
                continue
            if finding.kind == "photo" and photo_requeue(photo_id=finding.photo_id):
                queue_thumbnails(finding.photo_id)
            elif finding.kind == "orphan":
                orphans.append(finding.name)
                if len(orphans) >= _DELETE_BATCH:
                    storage.delete(orphans)
                    orphans = []
        if orphans:
            storage.delete(orphans)
        verb = "re-queued" if fix else "to re-queue (--fix)"
        self.stdout.write(
            f"{counts['photo']} photo(s) {verb}, {counts['orphan']} orphan object(s) "
            f"{'deleted' if fix else 'found'}, {counts['lost']} photo(s) without an original"
        )
