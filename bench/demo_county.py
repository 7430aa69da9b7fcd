"""Benchmark of the demo county: `python bench/demo_county.py [--search-persons N] [--no-national]
[--only-search] [--search-dir DIR]`.

1. Build: `vorort demo --no-serve` on a fresh SQLite file in a temporary VORORT_DATA_DIR, migrations
   included; wall time and the child's peak RSS (`demo_build_s`, `demo_peak_mb`).
2. Search: a county scaled to about N persons (default 100,000) in another temporary SQLite file
   (or in `--search-dir`, built once and reused, so the queries can be timed again cheaply);
   200 deterministic queries through `vorort.personen.selectors.search_persons` as the caseworker
   `schulz` (team-restricted) and as `klein` (Geschäftsführung, sees all): surnames with a typo,
   umlaut spellings, birth dates dd.mm.yyyy and d.m.yy, Kundennummern with and without the K,
   BG-Nummern in full and as "BG 123", surname + first name.
   Reports p50/p95 in ms (`search_p95_ms_100k` is the caseworker's p95).
3. National: `vorort demo --scale national --parquet DIR` (≈ 3.0 M BGs, 5.4 M persons) in a child
   process; wall time and peak RSS (`national_gen_s`, `national_peak_mb`).
`--only-search` skips 1 and 3.

Seed 2025 throughout. Prints progress to stderr and ONE JSON object as the last line. Never
asserts on time (STYLE.md §3.12).
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

SEED = 2025
VORORT = Path(sys.executable).parent / "vorort"
PERSONS_PER_SCALE = 11_901  # persons of the demo county at scale 1 with seed 2025


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def bench_build(data_dir: Path) -> dict:
    env = {**os.environ, "VORORT_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    start = time.perf_counter()
    subprocess.run(
        [str(VORORT), "demo", "--no-serve", "--seed", str(SEED), "-v", "0"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    # Only child waited for so far, so the maximum over children is this build's peak.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"demo_build_s": round(seconds, 2), "demo_peak_mb": round(peak_mb, 1)}


def bench_search(data_dir: Path, persons: int) -> dict:
    scale = persons / PERSONS_PER_SCALE
    env = {**os.environ, "VORORT_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    start = time.perf_counter()
    subprocess.run(
        [str(VORORT), "demo", "--no-serve", "--seed", str(SEED), "--scale", f"{scale:.4f}", "-v", "0"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    build_s = time.perf_counter() - start
    _log(f"search county built in {build_s:.1f} s (scale {scale:.3f})")

    os.environ["VORORT_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vorort.settings")
    import django

    django.setup()
    import numpy as np

    from vorort.core.models import User
    from vorort.personen.models import Mitgliedschaft, Person
    from vorort.personen.selectors import search_persons

    result = {"search_persons": Person.objects.count(), "search_build_s": round(build_s, 1)}
    for username, key in (("schulz", "search_p95_ms_100k"), ("klein", "search_p95_ms_100k_alle")):
        user = User.objects.get(username=username)
        queries = _queries(Person.objects.visible_to(user), Mitgliedschaft, np.random.default_rng(SEED))
        search_persons(user, queries[0])  # warm the connection and caches
        times, hits = [], 0
        for query in queries:
            start = time.perf_counter()
            found = search_persons(user, query)
            times.append((time.perf_counter() - start) * 1000)
            hits += bool(found.treffer)
        times.sort()
        result[key] = round(times[int(0.95 * len(times)) - 1], 1)
        result[key.replace("p95", "p50")] = round(statistics.median(times), 1)
        result[key.replace("p95_ms", "hit_rate")] = round(hits / len(queries), 3)
        _log(
            f"{username}: p50 {statistics.median(times):.1f} ms, p95 {result[key]} ms, "
            f"{hits}/{len(queries)} queries with hits"
        )
    return result


def _typo(name: str, rng) -> str:
    if len(name) < 4:
        return name
    i = int(rng.integers(1, len(name) - 2))
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _umlaut(name: str) -> str:
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ae", "ä"), ("oe", "ö"), ("ue", "ü")):
        if a in name:
            return name.replace(a, b)
    return name.lower()


def _queries(persons, mitgliedschaft_model, rng) -> list[str]:
    """200 deterministic queries about persons the user may see."""
    ids = list(persons.order_by("pk").values_list("pk", flat=True))
    chosen = [ids[i] for i in rng.choice(len(ids), size=200, replace=len(ids) < 200)]
    rows = {p.pk: p for p in persons.filter(pk__in=chosen)}
    bg_nummer = dict(
        mitgliedschaft_model.objects.filter(person_id__in=chosen).values_list(
            "person_id", "bedarfsgemeinschaft__nummer"
        )
    )
    queries = []
    for i, pk in enumerate(chosen):
        p = rows[pk]
        kind = i % 9
        if kind == 0:
            queries.append(_typo(p.nachname, rng))
        elif kind == 1:
            queries.append(_umlaut(p.nachname))
        elif kind == 2:
            queries.append(p.geburtsdatum.strftime("%d.%m.%Y"))
        elif kind == 3:
            queries.append(p.kundennummer)
        elif kind == 4:
            queries.append(bg_nummer.get(pk, p.kundennummer))
        elif kind == 5:
            queries.append(f"{p.nachname} {p.vorname}")
        elif kind == 6:
            queries.append(f"{p.geburtsdatum.day}.{p.geburtsdatum.month}.{p.geburtsdatum:%y}")
        elif kind == 7:
            queries.append(p.kundennummer[1:])
        else:
            nummer = bg_nummer.get(pk)
            queries.append(f"BG {int(nummer.split('BG')[1])}" if nummer else p.kundennummer[1:])
    return queries


def bench_national(out_dir: Path) -> dict:
    code = (
        "import json, resource, sys, time; from pathlib import Path; "
        "from vorort.demo.national import generate_parquet; from vorort.demo.profil import parse_scale; "
        "t = time.perf_counter(); m = generate_parquet(Path(sys.argv[1]), seed=int(sys.argv[2]), "
        "scale=parse_scale('national')); "
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; "
        "print(json.dumps({'s': time.perf_counter() - t, 'mb': peak, "
        "'persons': m['persons'], 'bgs': m['bgs']}))"
    )
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", code, str(out_dir), str(SEED)], check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    inner = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        "national_gen_s": round(inner["s"], 1),
        "national_wall_s": round(wall, 1),
        "national_peak_mb": round(inner["mb"], 1),
        "national_persons": inner["persons"],
        "national_bgs": inner["bgs"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search-persons", type=int, default=100_000)
    parser.add_argument("--no-national", action="store_true")
    parser.add_argument("--only-search", action="store_true", help="skip the county build and national")
    parser.add_argument(
        "--search-dir",
        type=Path,
        help="keep the search county here and reuse it on the next run (the demo is built only once)",
    )
    args = parser.parse_args()
    result: dict = {"seed": SEED, "cores": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 1)}
    with tempfile.TemporaryDirectory(prefix="vorort-bench-") as tmp:
        tmp_path = Path(tmp)
        if not args.only_search:
            result.update(bench_build(tmp_path / "build"))
            _log(f"build: {result['demo_build_s']} s, peak {result['demo_peak_mb']} MB")
        if not (args.no_national or args.only_search):
            result.update(bench_national(tmp_path / "national"))
            _log(f"national: {result['national_gen_s']} s, peak {result['national_peak_mb']} MB")
        result.update(bench_search(args.search_dir or tmp_path / "search", args.search_persons))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
