"""Golden cases of the law contract (`recht/tests/cases`) as Antrag facts: expected values from outside."""

from __future__ import annotations

import datetime
from decimal import Decimal

import yaml

from vorort.recht.tests.faelle import VERTRAG as CASES


def lade_fall(fall_id: str) -> dict:
    (pfad,) = CASES.glob(f"{fall_id}_*.yaml")
    fall = yaml.safe_load(pfad.read_text(encoding="utf-8"))
    fall["stichtag"] = datetime.date.fromisoformat(str(fall["stichtag"]))
    return fall


def erwartet_bg(fall: dict, spalte: str, bg_id: int = 1) -> Decimal:
    return Decimal(str(fall["expected"]["bg"][bg_id][spalte])).quantize(Decimal("0.01"))
