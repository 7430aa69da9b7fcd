"""Run the background task worker for all queues (payment runs, OCR, reports, imports)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Startet den Hintergrund-Worker für alle Warteschlangen."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="alle offenen Aufträge abarbeiten, dann beenden"
        )

    def handle(self, *args, batch: bool, **options):
        call_command("db_worker", queue_name="*", batch=batch, reload=False, interval=1, startup_delay=False)
