from django.core.management.base import BaseCommand

from media_graph.counters import recount
from media_graph.services.photos import photos_publish_due


class Command(BaseCommand):
    help = (
        "Recompute every counter from its rows, report any drift and fix it. Without "
        "--check, scheduled photos whose time has come are published (counted) first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="report only; exit 1 when anything drifted"
        )

    def handle(self, *args, check: bool = False, **options):
        if not check:
            published = photos_publish_due()
            if published:
                self.stdout.write(f"{published} scheduled photo(s) published")
        drifts = recount(fix=not check)
        for d in drifts:
            self.stdout.write(f"{d.model} {d.pk} {d.field}: stored {d.stored}, actual {d.actual}")
        verb = "found" if check else "fixed"
        self.stdout.write(f"{len(drifts)} counter(s) drifted; {verb}")
        if check and drifts:
            raise SystemExit(1)
