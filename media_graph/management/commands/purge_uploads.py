from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from media_graph.services.direct_uploads import photo_uploads_purge


class Command(BaseCommand):
    help = (
        "Delete staged direct uploads nobody finalized (objects under uploads/ and their "
        "rows) older than --hours. Schedule it, say hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=float, default=24.0, help="age past which a staged upload goes (24)"
        )
        parser.add_argument("--dry-run", action="store_true", help="list them, delete nothing")

    def handle(self, *args, hours: float, dry_run: bool = False, **options):
        if not 0 <= hours <= 24 * 365:
            raise CommandError("--hours must be between 0 and 8760")
        names = photo_uploads_purge(older_than=timedelta(hours=hours), dry_run=dry_run)
        for name in names:
            self.stdout.write(name)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{len(names)} staged upload(s) older than {hours:g} h: {verb}")
