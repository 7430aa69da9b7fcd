"""Benchmark of the monthly payment run: select, book, pay, SEPA files, report (STYLE §3.12).

1. County: 6,600 granted BGs on SQLite (a fresh database in a temporary folder).
2. National scale: `--bgs N` granted BGs on PostgreSQL (database `vorort_bench_zahllauf`, dropped first).

Seeding (synthetic grants with real amounts from the law engine, `leistung.massendaten`) is not timed;
the timed part is `vorort zahllauf` end to end in its own process, and before it the preview a Teamleitung
sees before the start (`preview_zahllauf`, read only). Prints one JSON object last.
Usage: python bench/zahllauf.py [--bgs 1000000] [--county-bgs 6600] [--skip-pg]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
CHUNK = 10_000
SEED = (
    "from datetime import date; from vorort.core.models import Mandant; "
    "from vorort.leistung.massendaten import seed_bewilligungen; "
    "m = Mandant.objects.create(name='Jobcenter Bench', kurzname='bench', iban='DE02800537623440000106'); "
    "seed_bewilligungen(m, {n}, date(2026, 3, 1))"
)
# The preview before the start (read only), timed inside its process by a Teamleitung of the Mandant.
VORSCHAU = (
    "import time; from datetime import date; from django.contrib.auth.models import Group; "
    "from vorort.core.models import Mandant, User; from vorort.leistung.zahllauf import preview_zahllauf; "
    "m = Mandant.objects.get(kurzname='bench'); "
    "u = User.objects.create(username='bench-teamleitung', mandant=m); "
    "u.groups.add(Group.objects.get(name='teamleitung')); "
    "t = time.perf_counter(); v = preview_zahllauf(m, date(2026, 3, 1), acting_user=u); "
    "print(round(time.perf_counter() - t, 2), v.ueberweisungen)"
)


def lauf(env: dict, n: int, ordner: Path) -> dict:
    """Seed (not timed), then time `vorort zahllauf` as its own process; its peak RSS comes from wait4."""
    subprocess.run(
        [PY, "-m", "vorort.cli", "migrate", "--no-input"], env=env, check=True, capture_output=True
    )
    start = time.perf_counter()
    subprocess.run(
        [PY, "-m", "vorort.cli", "shell", "-c", SEED.format(n=n)], env=env, check=True, capture_output=True
    )
    seed_s = time.perf_counter() - start
    vorschau = (
        subprocess.run(
            [PY, "-m", "vorort.cli", "shell", "-c", VORSCHAU],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        .split()
    )
    last = os.getloadavg()[0]
    start = time.perf_counter()
    prozess = subprocess.Popen(
        [
            PY,
            "-m",
            "vorort.cli",
            "zahllauf",
            "--monat",
            "2026-03",
            "--output",
            str(ordner / "out"),
            "--chunk",
            str(CHUNK),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    ausgabe = prozess.stdout.read().decode()
    _pid, status, nutzung = os.wait4(prozess.pid, 0)
    prozess.returncode = os.waitstatus_to_exitcode(status)
    dauer = time.perf_counter() - start
    if prozess.returncode != 0:
        raise SystemExit(f"vorort zahllauf failed ({prozess.returncode}): {ausgabe}")
    dateien = sorted((ordner / "out").glob("sepa_*.xml"))
    return {
        "s": round(dauer, 2),
        "seed_s": round(seed_s, 1),
        "preview_s": float(vorschau[0]),
        "preview_transfers": int(vorschau[1]),
        "peak_mb": round(nutzung.ru_maxrss / 1024),
        "cpu_s": round(nutzung.ru_utime + nutzung.ru_stime, 1),
        "load": round(last, 1),
        "load_after": round(os.getloadavg()[0], 1),
        "sepa_files": len(dateien),
        "output": ausgabe.strip()[-300:],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bgs", type=int, default=1_000_000)
    parser.add_argument("--county-bgs", type=int, default=6600)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    ergebnis = {"county_bgs": args.county_bgs, "county_s": None, "pg_bgs": args.bgs, "pg_s": None}
    with tempfile.TemporaryDirectory() as tmp:
        ordner = Path(tmp)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{ordner / 'county.sqlite3'}",
            "VORORT_DATA_DIR": str(ordner),
        }
        county = lauf(env, args.county_bgs, ordner)
        ergebnis.update(
            county_s=county["s"],
            county_preview_s=county["preview_s"],
            county_peak_mb=county["peak_mb"],
            county_load=county["load"],
        )
        print(f"county: {county}", file=sys.stderr)
    if not args.skip_pg:
        name = "vorort_bench_zahllauf"
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {name}"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"],
            check=True,
            capture_output=True,
        )
        with tempfile.TemporaryDirectory() as tmp:
            ordner = Path(tmp)
            env = {
                **os.environ,
                "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
                "VORORT_DATA_DIR": str(ordner),
            }
            pg = lauf(env, args.bgs, ordner)
            ergebnis.update(
                pg_s=pg["s"],
                pg_preview_s=pg["preview_s"],
                pg_peak_mb=pg["peak_mb"],
                pg_cpu_s=pg["cpu_s"],
                pg_seed_s=pg["seed_s"],
                pg_load=pg["load"],
                pg_load_after=pg["load_after"],
                pg_sepa_files=pg["sepa_files"],
            )
            print(f"postgresql: {pg}", file=sys.stderr)
    ergebnis["bench_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    ergebnis["children_peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    print(json.dumps(ergebnis))


if __name__ == "__main__":
    main()
