from django.core.management.base import BaseCommand

from media_graph.services.photos import photos_publish_due


class Command(BaseCommand):
    help = (
        "Count scheduled photos whose time has come as published (status and counters). "
        "Celery beat does this every 30 s; without a broker, run this from cron."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{photos_publish_due()} scheduled photo(s) published")
