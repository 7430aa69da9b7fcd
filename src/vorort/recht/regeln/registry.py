"""The rule registry: small pure functions wired by their argument names (STYLE §3.6).

A rule computes one legal step over columns (NumPy arrays, money in int64 cents). Its arguments
are named after inputs, structure arrays, parameters (by YAML key) or other rules; the engine
builds the graph from those names. A change of the law is a new function with the same name and a
later `gueltig_ab`, never an `if stichtag >= ...` inside the old one.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

ANFANG = dt.date(2023, 1, 1)
ENDE = dt.date(9999, 12, 31)


@dataclass(frozen=True, eq=False)
class Regel:
    """One legal step: its name (= the column it computes), validity, §, formula and rounding.

    Compared and hashed by identity: each registered version is one object.
    """

    name: str
    funktion: Callable
    gueltig_ab: dt.date
    gueltig_bis: dt.date
    reference: str
    formula: str
    rounding: str | None
    einheit: str
    argumente: tuple[str, ...]
    fundstellen: tuple[str, dict] | None = None
    ebene: str = "person"

    def fundstelle(self, werte: dict) -> str:
        """The § applied to one element, given its output and input values by name (see `rule`)."""
        if self.fundstellen is None:
            return self.reference
        name, je_wert = self.fundstellen
        return je_wert.get(werte[name], self.reference)

    def gilt_am(self, stichtag: dt.date) -> bool:
        return self.gueltig_ab <= stichtag <= self.gueltig_bis


REGELN: list[Regel] = []


def ebene_nach_name(name: str) -> str:
    """A column's level by the naming convention: `_hh` per household, `_bg` per BG, else per person."""
    return "hh" if name.endswith("_hh") else "bg" if name.endswith("_bg") else "person"


def rule(
    *,
    reference: str,
    formula: str,
    gueltig_ab: str = "2023-01-01",
    gueltig_bis: str | None = None,
    rounding: str | None = None,
    einheit: str = "EUR",
    fundstellen: tuple[str, dict] | None = None,
    ebene: str | None = None,
) -> Callable[[Callable], Callable]:
    """Register a rule under its function name for the period `gueltig_ab` .. `gueltig_bis`.

    `fundstellen=(name, {value: §})`: where the rule applies different norms by case, the § of one
    element is chosen by the value of its output or of one of its arguments (`name`); the trace records
    it with the step, so the rule itself, not the trace, says which § applied. `ebene`: what one
    element of the result belongs to, "person", "hh" or "bg"; by default from the name's suffix.
    """

    def register(funktion: Callable) -> Callable:
        REGELN.append(
            Regel(
                name=funktion.__name__,
                funktion=funktion,
                gueltig_ab=dt.date.fromisoformat(gueltig_ab),
                gueltig_bis=dt.date.fromisoformat(gueltig_bis) if gueltig_bis else ENDE,
                reference=reference,
                formula=formula,
                rounding=rounding,
                einheit=einheit,
                argumente=tuple(inspect.signature(funktion).parameters),
                fundstellen=fundstellen,
                ebene=ebene or ebene_nach_name(funktion.__name__),
            )
        )
        return funktion

    return register


def regeln_am(stichtag: dt.date) -> dict[str, Regel]:
    """Return the rules in force on `stichtag` by name; raise if a name has two versions that day."""
    aktiv: dict[str, Regel] = {}
    for regel in REGELN:
        if regel.gilt_am(stichtag):
            if regel.name in aktiv:
                raise ValueError(f"rule {regel.name} has two versions on {stichtag}")
            aktiv[regel.name] = regel
    return aktiv


def fehlende_namen(stichtag: dt.date, bekannt: set[str]) -> set[str]:
    """Return argument names of the rules in force that are neither a rule nor in `bekannt`."""
    aktiv = regeln_am(stichtag)
    return {a for r in aktiv.values() for a in r.argumente if a not in aktiv and a not in bekannt}


@lru_cache(maxsize=64)
def reihenfolge_am(stichtag: dt.date, bekannt: frozenset[str]) -> tuple[Regel, ...]:
    """Return the rules in force on `stichtag` in a dependency order (topological sort by name)."""
    aktiv = regeln_am(stichtag)
    fehlend = fehlende_namen(stichtag, set(bekannt))
    if fehlend:
        raise LookupError(f"rule graph incomplete on {stichtag}: {sorted(fehlend)}")
    ordnung: list[Regel] = []
    besucht: dict[str, int] = {}

    def besuche(name: str) -> None:
        zustand = besucht.get(name)
        if zustand == 2:
            return
        if zustand == 1:
            raise ValueError(f"rule graph has a cycle through {name}")
        besucht[name] = 1
        for arg in aktiv[name].argumente:
            if arg in aktiv:
                besuche(arg)
        besucht[name] = 2
        ordnung.append(aktiv[name])

    for name in aktiv:
        besuche(name)
    return tuple(ordnung)


def regel_daten() -> set[dt.date]:
    """Return every date on which some rule version starts or ends (the day after)."""
    tage = {r.gueltig_ab for r in REGELN}
    tage |= {r.gueltig_bis + dt.timedelta(days=1) for r in REGELN if r.gueltig_bis != ENDE}
    return tage
