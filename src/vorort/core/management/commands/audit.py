"""`vorort audit verify`: check the hash chains of the audit log."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from vorort.core.audit import verify_chains


class Command(BaseCommand):
    help = "Prüft das Protokoll (Audit-Log): vorort audit verify"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="aktion", required=True, metavar="verify")
        sub.add_parser("verify", help="alle Hash-Ketten neu berechnen und Abweichungen melden")

    def handle(self, *args, aktion: str, **options):
        checked, problems = verify_chains()
        for problem in problems:
            self.stderr.write(f"FEHLER: {problem}")
        if problems:
            raise CommandError(
                f"Protokoll manipuliert oder beschädigt: {len(problems)} Abweichung(en) "
                f"in {checked} Einträgen."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Protokoll in Ordnung: {checked} Einträge, alle Ketten geschlossen.")
        )
