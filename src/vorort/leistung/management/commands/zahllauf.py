"""`vorort zahllauf --monat YYYY-MM --output DIR`: run the month's payment run in the foreground."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vorort.core.models import BackgroundJob, Mandant
from vorort.leistung.models import Zahllauf
from vorort.leistung.zahllauf import ARBEITER, CHUNK, run_zahllauf, start_zahllauf


class Command(BaseCommand):
    help = "Zahllauf für einen Monat: Buchungen, Zahlungen, SEPA-Datei (pain.001.001.09) und Laufbericht."

    def add_arguments(self, parser):
        parser.add_argument("--monat", required=True, help="Zahlmonat JJJJ-MM")
        parser.add_argument("--output", required=True, help="Verzeichnis für SEPA-Datei und Laufbericht")
        parser.add_argument("--mandant", help="Kurzname des Mandanten (nötig, wenn es mehrere gibt)")
        parser.add_argument("--chunk", type=int, default=CHUNK, help="BGs je Transaktion")
        parser.add_argument(
            "--parallel",
            type=int,
            default=ARBEITER,
            help="gleichzeitig gebuchte Teile (nur PostgreSQL; SQLite bucht nacheinander)",
        )

    def handle(
        self, *args, monat: str, output: str, mandant: str | None, chunk: int, parallel: int, **options
    ):
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", monat):
            raise CommandError(f"--monat {monat!r}: bitte als JJJJ-MM angeben, z. B. 2026-03.")
        zahlmonat = date(int(monat[:4]), int(monat[5:]), 1)
        mandanten = Mandant.objects.filter(aktiv=True)
        if mandant:
            mandanten = mandanten.filter(kurzname=mandant)
        if mandanten.count() != 1:
            namen = ", ".join(Mandant.objects.values_list("kurzname", flat=True))
            raise CommandError(f"Bitte --mandant angeben (vorhanden: {namen or 'keine'}).")
        ziel = Path(output)
        ziel.mkdir(parents=True, exist_ok=True)
        zahllauf, neu = start_zahllauf(
            mandanten.get(), zahlmonat, acting_user=None, ausloeser=BackgroundJob.Ausloeser.CLI
        )
        if zahllauf.status == Zahllauf.Status.ABGESCHLOSSEN:
            self.stdout.write(
                f"Der Zahllauf {zahlmonat:%m/%Y} ist bereits abgeschlossen (am "
                f"{zahllauf.beendet_am:%d.%m.%Y %H:%M}). Es wurden keine neuen Zahlungen gebucht und keine "
                "neue SEPA-Datei geschrieben."
            )
            return
        if not neu:
            self.stdout.write(
                f"Der unterbrochene Zahllauf {zahlmonat:%m/%Y} wird fortgesetzt; "
                "bereits gebuchte Bedarfsgemeinschaften werden übersprungen."
            )
        balken = tqdm(
            total=0,
            unit=" BG",
            desc=f"Zahllauf {zahlmonat:%m/%Y}",
            file=sys.stderr,
        )

        def fortschritt(erledigt: int, gesamt: int) -> None:
            balken.total = gesamt
            balken.n = erledigt
            balken.refresh()

        zahllauf = run_zahllauf(zahllauf, chunk=chunk, arbeiter=parallel, fortschritt=fortschritt)
        balken.close()
        for datei in zahllauf.dateien.select_related("dokument"):
            with datei.dokument.datei.open("rb") as quelle:
                (ziel / datei.dokument.dateiname).write_bytes(quelle.read())
        with zahllauf.bericht_dokument.datei.open("rb") as quelle:
            (ziel / zahllauf.bericht_dokument.dateiname).write_bytes(quelle.read())
        b = zahllauf.bericht
        self.stdout.write(
            f"Zahllauf {zahlmonat:%m/%Y} abgeschlossen: {b['bedarfsgemeinschaften']} BG, "
            f"{b['ueberweisungen']} Überweisungen, Summe {b['summe_zahlungen']} €, "
            f"{len(b['dateien'])} SEPA-Datei(en) in {ziel}."
        )
