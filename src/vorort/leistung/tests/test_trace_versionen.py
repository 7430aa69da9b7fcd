"""Berechnungen stored before the recorded trace (version 1) read as before, and as the new ones do.

`daten/trace_v1_V25.json` is the trace the engine wrote for golden case V25 before decision 0107
(a hand-kept subset of steps, no `version`), as it is stored in existing Berechnungen.
"""

from __future__ import annotations

import json
from pathlib import Path

from vorort.leistung.erklaerung import erklaerung
from vorort.recht import compute
from vorort.recht.tests.faelle import VERTRAG, lade

ALT = json.loads((Path(__file__).parent / "daten" / "trace_v1_V25.json").read_text(encoding="utf-8"))
NAMEN = {1: "Erika Muster", 2: "Max Muster"}


def _neu():
    fall = lade(VERTRAG / "V25_kindergeldueberhang.yaml")
    trace = compute(fall["persons"], str(fall["stichtag"]), trace_bg_ids=[1]).traces[1]
    return json.loads(json.dumps(trace))


def _zeilen(trace, kurz):
    return [(z.wer, z.text, z.wert, z.norm) for z in erklaerung(trace, NAMEN, kurz=kurz)]


def test_a_stored_version_1_trace_gives_the_same_letter_as_the_recorded_one():
    assert "version" not in ALT
    assert _neu()["version"] == 2
    assert _zeilen(ALT, kurz=True) == _zeilen(_neu(), kurz=True)
    assert ("Erika Muster", "Zahlbetrag", "755,56 €", "§ 41 Abs. 2 SGB II") in _zeilen(ALT, kurz=True)


def test_every_row_of_a_stored_version_1_rechenweg_is_in_the_recorded_one():
    neu = _zeilen(_neu(), kurz=False)
    fehlend = [z for z in _zeilen(ALT, kurz=False) if z not in neu]
    assert fehlend == []
