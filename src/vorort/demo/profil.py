"""The calibration profile (`profile/demo-county.yaml`, `profile/germany.yaml`) and `--scale`.

The YAML files mirror `shared/data/` (see `profile/README.md`). No Django here: the Parquet
generator and the benchmark use this module without a database.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import yaml

PROFILE_DIR = Path(__file__).resolve().parent / "profile"
COUNTY_FILE = PROFILE_DIR / "demo-county.yaml"
GERMANY_FILE = PROFILE_DIR / "germany.yaml"


class UngueltigerMassstab(ValueError):
    """A `--scale` value that is neither a known name nor a positive number."""


@functools.cache
def county_profile() -> dict:
    with COUNTY_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@functools.cache
def germany_profile() -> dict:
    with GERMANY_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def stichtag() -> date:
    """First day of the profile's reference month (ages and months in receipt are counted to it)."""
    year, month = (int(part) for part in county_profile()["reference"]["reference_month"].split("-"))
    return date(year, month, 1)


def parse_scale(value: str | float) -> float:
    """Turn `county`, `zkt`, `national` or a positive number into the count factor.

    >>> parse_scale("county"), parse_scale("0.5")
    (1.0, 0.5)
    """
    if isinstance(value, (int, float)):
        factor = float(value)
    else:
        text = value.strip().lower()
        factors = germany_profile()["scale_factors"]
        if text in factors:
            return float(factors[text])
        try:
            factor = float(text.replace(",", "."))
        except ValueError:
            raise UngueltigerMassstab(
                f"--scale {value!r} ist ungültig: erlaubt sind county, zkt, national oder eine positive Zahl "
                f"(z. B. 0.5). / invalid --scale {value!r}: use county, zkt, national or a positive number."
            ) from None
    if not factor > 0 or factor != factor or factor == float("inf"):
        raise UngueltigerMassstab(
            f"--scale {value!r} ist ungültig: der Faktor muss größer als 0 sein. "
            f"/ invalid --scale {value!r}: the factor must be greater than 0."
        )
    return factor
