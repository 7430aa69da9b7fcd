"""Benchmark of the law engine (CONTRACT §8): `python bench/law_engine.py [--bgs N]`.

Generates the deterministic synthetic population (vorort.recht.synthetisch), writes it to Parquet in
a temporary directory and measures: the engine's compute time on the in-memory frame (`compute_s`,
median of 3 runs; the first, cold run is reported as `compute_first_s`), the end-to-end `vorort calc`
process (read Parquet, compute, write Parquet; `end_to_end_s`, with its peak memory `end_to_end_peak_mb`),
this process's peak memory (`peak_mb`), one BG with trace (`single_trace_ms`, median of 25 runs) and a
check that ~1000 random BGs computed one by one give the batch's `zahlbetrag_m`. Prints progress, then
ONE JSON object as the last line. Never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from vorort.recht import compute
from vorort.recht.cli import speicher_wiederverwenden
from vorort.recht.synthetisch import population

STICHTAG = "2025-01-01"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bgs", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=1000)
    args = parser.parse_args()
    speicher_wiederverwenden()

    personen = population(args.bgs)
    print(f"population: {args.bgs} BGs, {personen.height} persons", file=sys.stderr)
    with tempfile.TemporaryDirectory() as ordner:
        eingabe, ausgabe = Path(ordner) / "personen.parquet", Path(ordner) / "ergebnis.parquet"
        personen.write_parquet(eingabe)

        zeiten = []
        for _ in range(3):
            start = time.perf_counter()
            ergebnis = compute(personen, STICHTAG)
            zeiten.append(time.perf_counter() - start)
        print(f"compute runs: {[round(z, 3) for z in zeiten]}", file=sys.stderr)

        vorort = Path(sys.executable).parent / "vorort"
        start = time.perf_counter()
        lauf = subprocess.run(
            [str(vorort), "calc", "--stichtag", STICHTAG, "--input", str(eingabe), "--output", str(ausgabe)],
            capture_output=True,
            text=True,
        )
        end_to_end = time.perf_counter() - start
        if lauf.returncode != 0:
            print(lauf.stderr, file=sys.stderr)
            return 1
        kind_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        aus_datei = pl.read_parquet(ausgabe)
        gleich_datei = aus_datei.get_column("zahlbetrag_m").equals(ergebnis.bg.get_column("zahlbetrag_m"))

    rng = np.random.Generator(np.random.PCG64(7))
    bg_ids = ergebnis.bg.get_column("bg_id").to_numpy()
    stichprobe = np.sort(rng.choice(bg_ids, size=min(args.sample, len(bg_ids)), replace=False))
    nach_bg = personen.filter(pl.col("bg_id").is_in(stichprobe.tolist())).partition_by("bg_id", as_dict=True)
    soll = dict(zip(bg_ids.tolist(), ergebnis.bg.get_column("zahlbetrag_m").to_list(), strict=True))
    abweichend = 0
    for (bg_id,), frame in nach_bg.items():
        einzeln = compute(frame, STICHTAG).bg.get_column("zahlbetrag_m")[0]
        abweichend += einzeln != soll[bg_id]

    beispiel = nach_bg[(int(stichprobe[0]),)]
    trace_zeiten = []
    for _ in range(25):
        start = time.perf_counter()
        compute(beispiel, STICHTAG, trace_bg_ids=[int(stichprobe[0])])
        trace_zeiten.append((time.perf_counter() - start) * 1000)

    ergebnis_json = {
        "bgs": args.bgs,
        "persons": personen.height,
        "compute_s": round(statistics.median(zeiten), 3),
        "compute_first_s": round(zeiten[0], 3),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "single_trace_ms": round(statistics.median(trace_zeiten), 2),
        "end_to_end_s": round(end_to_end, 3),
        "end_to_end_peak_mb": round(kind_peak_mb, 1),
        "sample_checked": len(nach_bg),
        "sample_mismatches": int(abweichend),
        "cli_equals_api": bool(gleich_datei),
    }
    print(json.dumps(ergebnis_json))
    return 0


if __name__ == "__main__":
    sys.exit(main())
