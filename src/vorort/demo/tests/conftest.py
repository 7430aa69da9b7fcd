"""Fixtures for the demo county tests: small counties built inside the test's transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction

from vorort.demo.build import KREIS_KURZNAME, build_demo
from vorort.demo.export import export_county

KLEIN = 0.05  # 329 BGs: enough for every part, quick to build


class _Verwerfen(Exception):
    """Raised to roll a build back, so that the next one starts from an empty database."""


def build_and_export(directory: Path, *, seed: int, scale: float = KLEIN) -> bytes:
    """Build a county, export it, roll everything back; return persons.csv + bgs.csv bytes."""
    try:
        with transaction.atomic():
            build_demo(seed=seed, scale=scale)
            export_county(directory, kurzname=KREIS_KURZNAME, seed=seed, scale=scale)
            raise _Verwerfen
    except _Verwerfen:
        pass
    return (directory / "persons.csv").read_bytes() + (directory / "bgs.csv").read_bytes()


@pytest.fixture
def demo_klein(db):
    """A small demo county (scale 0.05, seed 7) and the neighbour county."""
    return build_demo(seed=7, scale=KLEIN)
