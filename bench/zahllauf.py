"""Benchmark of the monthly payment run: select, book, pay, SEPA files, report (STYLE §3.12).

1. County: 6,600 granted BGs on SQLite (a fresh database in a temporary folder).
2. National scale: `--bgs N` granted BGs on PostgreSQL (database `vorort_bench_zahllauf`, dropped first).

Seeding (synthetic grants with real amounts from the law engine, `leistung.massendaten`) is not timed;
the timed part is `vorort zahllauf` end to end in its own process. Prints one JSON object last.
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
SEED = (
    "from datetime import date; from vorort.core.models import Mandant; "
    "from vorort.leistung.massendaten import seed_bewilligungen; "
    "m = Mandant.objects.create(name='Jobcenter Bench', kurzname='bench', iban='DE02800537623440000106'); "
    "seed_bewilligungen(m, {n}, date(2026, 3, 1))"
)


def lauf(env: dict, n: int, ordner: Path) -> tuple[float, float]:
    subprocess.run([PY, "-m", "vorort.cli", "migrate", "--no-input"], env=env, check=True, capture_output=True)
    subprocess.run([PY, "-m", "vorort.cli", "shell", "-c", SEED.format(n=n)], env=env, check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run([PY, "-m", "vorort.cli", "zahllauf", "--monat", "2026-03", "--output", str(ordner / "out"),
                    "--chunk", "5000"], env=env, check=True, capture_output=True)
    dauer = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return dauer, peak_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bgs", type=int, default=1_000_000)
    parser.add_argument("--county-bgs", type=int, default=6600)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    ergebnis = {"county_bgs": args.county_bgs, "county_s": None, "pg_bgs": args.bgs, "pg_s": None}
    with tempfile.TemporaryDirectory() as tmp:
        ordner = Path(tmp)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{ordner / 'county.sqlite3'}", "VORORT_DATA_DIR": str(ordner)}
        ergebnis["county_s"], ergebnis["county_peak_mb"] = map(lambda x: round(x, 2), lauf(env, args.county_bgs, ordner))
        print(f"county: {args.county_bgs} BG in {ergebnis['county_s']} s", file=sys.stderr)
    if not args.skip_pg:
        name = "vorort_bench_zahllauf"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {name}"], check=True,
                       capture_output=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"], check=True,
                       capture_output=True)
        with tempfile.TemporaryDirectory() as tmp:
            ordner = Path(tmp)
            env = {**os.environ, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
                   "VORORT_DATA_DIR": str(ordner)}
            dauer, peak = lauf(env, args.bgs, ordner)
            ergebnis["pg_s"], ergebnis["pg_peak_mb"] = round(dauer, 2), round(peak)
            print(f"postgresql: {args.bgs} BG in {ergebnis['pg_s']} s", file=sys.stderr)
    print(json.dumps(ergebnis))


if __name__ == "__main__":
    main()
