"""Benchmark of the law engine (CONTRACT §8): `python bench/law_engine.py [--bgs N]`.

Generates the deterministic synthetic population (vorort.recht.synthetisch), writes it to Parquet in
a temporary directory and measures: the engine's compute time on the in-memory frame (`compute_s`,
median of 5 runs; `compute_cpu_s` its CPU time over all threads; `compute_first_s` the cold first run),
the end-to-end `vorort calc` process (read Parquet, validate, compute, write Parquet, each run a fresh
process: `calc_whole_s` median wall time of `--calc-runs` runs, `calc_whole_cpu_s` their median CPU time,
`calc_whole_runs_s` all runs; `end_to_end_s`, `end_to_end_cpu_s`, `end_to_end_peak_mb` the first run),
this process's peak memory (`peak_mb`), one BG with trace
(`single_trace_ms`, median of 25 runs) and a check that ~1000 random BGs computed one by one give the
batch's `zahlbetrag_m`. Prints progress, then ONE JSON object as the last line (with `loadavg`).
Never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from vorort.recht import compute, engine
from vorort.recht.cli import speicher_wiederverwenden
from vorort.recht.synthetisch import population

STICHTAG = "2025-01-01"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bgs", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--calc-runs", type=int, default=5, help="fresh `vorort calc` processes to time")
    args = parser.parse_args()
    speicher_wiederverwenden()

    personen = population(args.bgs)
    print(f"population: {args.bgs} BGs, {personen.height} persons", file=sys.stderr)
    with tempfile.TemporaryDirectory() as ordner:
        eingabe, ausgabe = Path(ordner) / "personen.parquet", Path(ordner) / "ergebnis.parquet"
        personen.write_parquet(eingabe)

        zeiten, cpu = [], []
        ergebnis = None
        for _ in range(5):
            del ergebnis  # do not hold two results at once
            start, start_cpu = time.perf_counter(), time.process_time()
            ergebnis = compute(personen, STICHTAG)
            zeiten.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        print(
            f"compute runs: wall {[round(z, 3) for z in zeiten]}, cpu {[round(z, 3) for z in cpu]}",
            file=sys.stderr,
        )

        vorort = Path(sys.executable).parent / "vorort"
        ganz, ganz_cpu = [], []
        for _ in range(max(1, args.calc_runs)):
            vorher = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            lauf = subprocess.run(
                [
                    str(vorort),
                    "calc",
                    "--stichtag",
                    STICHTAG,
                    "--input",
                    str(eingabe),
                    "--output",
                    str(ausgabe),
                ],
                capture_output=True,
                text=True,
            )
            ganz.append(time.perf_counter() - start)
            kind = resource.getrusage(resource.RUSAGE_CHILDREN)
            ganz_cpu.append(kind.ru_utime + kind.ru_stime - vorher.ru_utime - vorher.ru_stime)
            if lauf.returncode != 0:
                print(lauf.stderr, file=sys.stderr)
                return 1
        kind_peak_mb = kind.ru_maxrss / 1024
        print(
            f"vorort calc runs: wall {[round(z, 3) for z in ganz]}, cpu {[round(z, 3) for z in ganz_cpu]}",
            file=sys.stderr,
        )
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
        "compute_cpu_s": round(statistics.median(cpu), 3),
        "compute_first_s": round(zeiten[0], 3),
        "threads": engine.THREADS,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "single_trace_ms": round(statistics.median(trace_zeiten), 2),
        "end_to_end_s": round(ganz[0], 3),
        "end_to_end_cpu_s": round(ganz_cpu[0], 3),
        "end_to_end_peak_mb": round(kind_peak_mb, 1),
        "calc_whole_s": round(statistics.median(ganz), 3),
        "calc_whole_cpu_s": round(statistics.median(ganz_cpu), 3),
        "calc_whole_runs_s": [round(z, 3) for z in ganz],
        "sample_checked": len(nach_bg),
        "sample_mismatches": int(abweichend),
        "cli_equals_api": bool(gleich_datei),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(ergebnis_json))
    return 0


if __name__ == "__main__":
    sys.exit(main())
