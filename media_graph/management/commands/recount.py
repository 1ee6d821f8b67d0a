from django.core.management.base import BaseCommand

from media_graph.counters import recount


class Command(BaseCommand):
    help = "Recompute every counter from its rows, report any drift and fix it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="report only; exit 1 when anything drifted"
        )

    def handle(self, *args, check: bool = False, **options):
        drifts = recount(fix=not check)
        for d in drifts:
            self.stdout.write(f"{d.model} {d.pk} {d.field}: stored {d.stored}, actual {d.actual}")
        verb = "found" if check else "fixed"
        self.stdout.write(f"{len(drifts)} counter(s) drifted; {verb}")
        if check and drifts:
            raise SystemExit(1)
