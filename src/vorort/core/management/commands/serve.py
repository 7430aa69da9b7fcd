"""Serve the web UI (waitress, static files by WhiteNoise) together with a background worker."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Startet die Weboberfläche und einen Hintergrund-Worker (Strg+C beendet beides)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Adresse (Standard: 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="Port (Standard: 8000)")
        parser.add_argument("--threads", type=int, default=8, help="Anzahl Web-Threads (Standard: 8)")
        parser.add_argument("--no-worker", action="store_true", help="ohne Hintergrund-Worker starten")

    def handle(self, *args, host: str, port: int, threads: int, no_worker: bool, **options):
        from waitress import serve

        from vorort.wsgi import application

        if not 0 < port < 65536:
            raise CommandError(f"--port {port}: der Port muss zwischen 1 und 65535 liegen.")
        call_command("migrate", verbosity=0)
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "vorort.cli", "worker"])
        self.stdout.write(self.style.SUCCESS(f"vorort läuft auf http://{host}:{port}/  (Strg+C beendet)"))
        if settings.DEBUG:
            self.stdout.write("Achtung: VORORT_DEBUG ist eingeschaltet.")
        try:
            serve(application, host=host, port=port, threads=threads, ident="vorort")
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
