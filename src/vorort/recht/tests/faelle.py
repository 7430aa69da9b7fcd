"""Load the golden cases (YAML) and compare engine results with their expectations."""

from __future__ import annotations

from pathlib import Path

import yaml

HIER = Path(__file__).parent
VERTRAG = HIER / "cases"
EIGENE = HIER / "cases_vorort"
GELD_TOLERANZ = 0.01


def lade(pfad: Path) -> dict:
    fall = yaml.safe_load(pfad.read_text(encoding="utf-8"))
    fall["_pfad"] = pfad
    return fall


def alle_faelle(*verzeichnisse: Path) -> list[dict]:
    return [lade(p) for v in verzeichnisse for p in sorted(v.glob("*.yaml"))]


def abweichungen(erwartet: dict, zeile: dict, wo: str) -> list[str]:
    """Return a description of every expected value that the row misses (money within 0.01)."""
    fehler = []
    for spalte, soll in erwartet.items():
        ist = zeile.get(spalte, "<missing column>")
        if isinstance(soll, bool) or isinstance(ist, bool):
            gleich = ist is soll or ist == soll
        elif isinstance(soll, int) and spalte in ("anzahl_mitglieder", "regelbedarfsstufe", "anspruchstage"):
            gleich = ist == soll
        elif isinstance(soll, (int, float)) and isinstance(ist, (int, float)):
            gleich = abs(float(ist) - float(soll)) <= GELD_TOLERANZ + 1e-9
        else:
            gleich = ist == soll
        if not gleich:
            fehler.append(f"{wo} {spalte}: expected {soll!r}, got {ist!r}")
    return fehler
