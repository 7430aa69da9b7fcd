"""`vorort demo`: build the demo county (if needed) and serve it.

vorort demo                         migrate, build (once), print the logins, serve
vorort demo --no-serve              the same without serving
vorort demo --export out/           also write out/persons.csv, out/bgs.csv (for the check)
vorort demo --scale 0.5 --seed 7    a smaller county from another seed (in a new database)
vorort demo --scale national --parquet out/   5.4 M persons straight to Parquet, no database
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from vorort.demo.profil import UngueltigerMassstab, parse_scale

# Above this factor the build would take many minutes in a database; use --parquet.
MAX_DB_SCALE = 100.0


class Command(BaseCommand):
    help = "Erzeugt den Demo-Landkreis (falls noch nicht vorhanden) und startet die Weboberfläche."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", default="2025", help="Startwert des Zufallsgenerators (ganze Zahl ≥ 0, Standard 2025)"
        )
        parser.add_argument(
            "--scale",
            default="county",
            help="county | zkt | national | Faktor (multipliziert die Anzahlen; Standard county)",
        )
        parser.add_argument(
            "--export", metavar="DIR", help="persons.csv, bgs.csv und metadata.json hierhin schreiben"
        )
        parser.add_argument(
            "--parquet",
            metavar="DIR",
            help="ohne Datenbank direkt als Parquet erzeugen (für --scale zkt/national)",
        )
        parser.add_argument("--no-serve", action="store_true", help="nur erzeugen, den Server nicht starten")

    def handle(
        self, *args, seed: str, scale: str, export: str | None, parquet: str | None, no_serve: bool, **options
    ):
        seed_value = _parse_seed(seed)
        try:
            factor = parse_scale(scale)
        except UngueltigerMassstab as exc:
            raise CommandError(str(exc)) from None
        verbose = int(options.get("verbosity", 1)) >= 1

        if parquet:
            from vorort.demo.national import generate_parquet

            start = time.perf_counter()
            meta = generate_parquet(Path(parquet), seed=seed_value, scale=factor)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{_zahl(meta['bgs'])} BG und {_zahl(meta['persons'])} Personen "
                    f"({meta['kreise']} Kreise) "
                    f"als Parquet nach {parquet} geschrieben in {time.perf_counter() - start:.1f} s."
                )
            )
            return
        if factor > MAX_DB_SCALE:
            raise CommandError(
                f"--scale {scale}: {factor:g}-fache Größe ist zu groß für die Datenbank "
                f"(höchstens {MAX_DB_SCALE:g}). "
                f"Bitte mit --parquet DIR erzeugen. / too large for the database, use --parquet DIR."
            )

        from vorort.demo.build import KREIS_KURZNAME, build_demo

        call_command("migrate", verbosity=0, interactive=False)
        start = time.perf_counter()
        ergebnis = build_demo(seed=seed_value, scale=factor, verbose=verbose)
        self.stdout.write(
            ergebnis.meldung(seed_value, factor)
            + (f" ({time.perf_counter() - start:.1f} s)" if ergebnis.erzeugt else "")
        )
        if export:
            from vorort.demo.export import export_county

            paths = export_county(
                Path(export), kurzname=KREIS_KURZNAME, seed=ergebnis.seed, scale=ergebnis.scale
            )
            self.stdout.write(f"Export: {', '.join(str(p) for p in paths)}")
        self._print_logins()
        if not no_serve:
            call_command("serve")

    def _print_logins(self) -> None:
        from vorort.demo import logins
        from vorort.demo.build import URL
        from vorort.demo.teile.personal import DEMO_PASSWORT

        rows = [("Benutzername", "Rolle", "Team", "Mandant"), *logins()]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(f"Demo-Anmeldungen für {URL}/ (Passwort für alle: {DEMO_PASSWORT})")
        for i, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if i == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write(
            "Zweiter Faktor (TOTP): aktuellen Code anzeigen mit  .venv/bin/vorort demo_code schulz"
        )
        self.stdout.write("")


def _parse_seed(value: str) -> int:
    try:
        seed = int(str(value).strip())
    except ValueError:
        seed = -1
    if seed < 0:
        raise CommandError(
            f"--seed {value!r} ist ungültig: bitte eine ganze Zahl ≥ 0 angeben (z. B. 2025). "
            f"/ invalid --seed {value!r}: use a whole number ≥ 0."
        )
    return seed


def _zahl(value: int) -> str:
    return f"{value:,}".replace(",", ".")
