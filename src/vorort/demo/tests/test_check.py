"""The generated county meets the calibration profile (`../shared/tools/demo-county-check.py`).

The checker lives outside the repository, so the tests that run it are marked `shared`: `.ci/run`
runs them as their own step (`pytest -m shared`), not `./run test`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vorort.demo.build import KREIS_KURZNAME, build_demo
from vorort.demo.export import export_county
from vorort.demo.national import generate_parquet


def _check(shared: Path, *args: str) -> tuple[int, str]:
    checker = shared / "tools" / "demo-county-check.py"
    result = subprocess.run(
        [sys.executable, str(checker), *args], capture_output=True, text=True, timeout=600
    )
    return result.returncode, result.stdout + result.stderr


def _all_within_tolerance(output: str) -> bool:
    found = re.search(r"demo-county: (\d+)/(\d+) targets within tolerance", output)
    return found is not None and found.group(1) == found.group(2) and int(found.group(2)) > 60


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.django_db
def test_county_built_into_the_database_meets_every_target(tmp_path, shared):
    build_demo(seed=2025, scale=1.0)
    export_county(tmp_path, kurzname=KREIS_KURZNAME, seed=2025, scale=1.0)
    code, output = _check(
        shared, "--persons", str(tmp_path / "persons.csv"), "--bgs", str(tmp_path / "bgs.csv")
    )
    assert code == 0 and _all_within_tolerance(output), output
    assert json.loads((tmp_path / "metadata.json").read_text())["seed"] == 2025


@pytest.mark.shared
def test_parquet_generation_meets_every_target_at_its_scale(tmp_path, shared):
    meta = generate_parquet(tmp_path, seed=2025, scale=2.0)
    assert meta["kreise"] == 2
    code, output = _check(
        shared,
        "--persons",
        str(tmp_path / "persons.parquet"),
        "--bgs",
        str(tmp_path / "bgs.parquet"),
        "--scale",
        "2",
    )
    assert code == 0 and _all_within_tolerance(output), output


def test_parquet_output_is_byte_identical_for_a_seed(tmp_path):
    generate_parquet(tmp_path / "a", seed=11, scale=0.3)
    generate_parquet(tmp_path / "b", seed=11, scale=0.3)
    generate_parquet(tmp_path / "c", seed=12, scale=0.3)
    for name in ("persons.parquet", "bgs.parquet", "metadata.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "persons.parquet").read_bytes() != (
        tmp_path / "c" / "persons.parquet"
    ).read_bytes()
