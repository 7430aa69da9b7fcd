"""Dated legal parameters of the law engine, loaded from the YAML files in this directory.

Every parameter has a German and English name, a German description citing its §, and a list of
dated values (`gueltig_ab`, optional `gueltig_bis`, the values, `reference`). New law adds a dated
entry and leaves old ones alone, so past months recompute with the law of their day (STYLE §3.5).
Money values are given in Euro in YAML and handed to the rules in integer cents
(keys that do not end in `_promille`, `alter`, `satz` or similar are treated by the rules).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

VERZEICHNIS = Path(__file__).parent
#: libyaml's safe loader where PyYAML was built with it (the same result as `yaml.safe_load`, faster).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ERSTER_STICHTAG = dt.date(2023, 1, 1)
LETZTER_STICHTAG = dt.date(2026, 12, 31)


@dataclass(frozen=True)
class Wert:
    """One dated value of a parameter: the fields valid from `gueltig_ab` to `gueltig_bis`."""

    gueltig_ab: dt.date
    gueltig_bis: dt.date | None
    felder: dict[str, Any]
    reference: str

    def gilt_am(self, stichtag: dt.date) -> bool:
        return self.gueltig_ab <= stichtag and (self.gueltig_bis is None or stichtag <= self.gueltig_bis)

    def __getattr__(self, key: str) -> Any:
        try:
            return self.__dict__["felder"][key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> Any:
        return self.felder[key]


@dataclass(frozen=True)
class Parameter:
    """A legal parameter with its source and its dated values."""

    key: str
    name: dict[str, str]
    description: dict[str, str]
    values: tuple[Wert, ...]
    datei: str = field(default="")

    def werte_am(self, stichtag: dt.date) -> list[Wert]:
        return [w for w in self.values if w.gilt_am(stichtag)]

    def am(self, stichtag: dt.date) -> Wert:
        """Return the one value in force on `stichtag`; raise if there is none or more than one."""
        treffer = self.werte_am(stichtag)
        if len(treffer) != 1:
            raise LookupError(f"parameter {self.key}: {len(treffer)} values on {stichtag}")
        return treffer[0]

    def overlapping_periods(self) -> list[tuple[Wert, Wert]]:
        ende = dt.date.max
        werte = sorted(self.values, key=lambda w: w.gueltig_ab)
        return [
            (a, b) for a, b in zip(werte, werte[1:], strict=False) if (a.gueltig_bis or ende) >= b.gueltig_ab
        ]


def _datum(wert: Any) -> dt.date | None:
    if wert is None or isinstance(wert, dt.date):
        return wert
    return dt.date.fromisoformat(str(wert))


def lade(pfade: Iterable[Path]) -> dict[str, Parameter]:
    """Load dated parameters from YAML files in the format above; a key defined twice is an error.

    The engine's own parameters are the files of this directory (`PARAMETER`); other apps keep dated
    law that no calculation reads in their own file of the same format (e.g. `leistung/verfahrensrecht.yaml`).
    """
    parameter: dict[str, Parameter] = {}
    for pfad in pfade:
        inhalt = yaml.load(pfad.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        for key, spec in inhalt.items():
            if key in parameter:
                raise ValueError(f"parameter {key} defined twice ({pfad.name})")
            werte = []
            for eintrag in spec["values"]:
                eintrag = dict(eintrag)
                werte.append(
                    Wert(
                        gueltig_ab=_datum(eintrag.pop("gueltig_ab")),
                        gueltig_bis=_datum(eintrag.pop("gueltig_bis", None)),
                        reference=eintrag.pop("reference", ""),
                        felder=eintrag,
                    )
                )
            parameter[key] = Parameter(
                key=key,
                name=spec["name"],
                description=spec["description"],
                values=tuple(werte),
                datei=pfad.name,
            )
    return parameter


PARAMETER: dict[str, Parameter] = lade(sorted(VERZEICHNIS.glob("*.yaml")))


@lru_cache(maxsize=1)
def parameter_hash() -> str:
    """Return the SHA-256 of all parameter files (name and content), so a Berechnung can record its law."""
    h = hashlib.sha256()
    for pfad in sorted(VERZEICHNIS.glob("*.yaml")):
        h.update(pfad.name.encode())
        h.update(b"\0")
        h.update(pfad.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def aenderungsdaten() -> set[dt.date]:
    """Return every date on which some parameter value starts or the day after one ends."""
    tage: set[dt.date] = set()
    for p in PARAMETER.values():
        for w in p.values:
            tage.add(w.gueltig_ab)
            if w.gueltig_bis is not None:
                tage.add(w.gueltig_bis + dt.timedelta(days=1))
    return {t for t in tage if ERSTER_STICHTAG <= t <= LETZTER_STICHTAG}
