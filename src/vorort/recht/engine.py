"""Run the rules over a batch of persons: one implementation for one BG and for a whole country.

`compute` validates the input, sorts the persons by household and `p_id`, builds the structure
arrays the rules need (group indices, relations as row indices), runs the rules in force on the
Stichtag in dependency order and assembles the output frames of CONTRACT §3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from . import regeln
from .eingabe import HAUSHALT_SPALTEN, ID_VERWEISE, lese_spalten, pruefe_stichtag
from .parameter import PARAMETER

#: Input columns renamed inside the engine where the contract uses the same name for an output.
EINGABE_UMBENENNUNG = {
    "mehrbedarf_ernaehrung_m": "mehrbedarf_ernaehrung_eingabe_m",
    "mehrbedarf_unabweisbar_m": "mehrbedarf_unabweisbar_eingabe_m",
    "karenzzeit_abgelaufen": "karenzzeit_abgelaufen_hh",
}
STRUKTUR = {
    "hh_idx",
    "bg_idx",
    "anzahl_hh",
    "anzahl_bg",
    "personen_hh",
    "rang_im_hh",
    "hh_der_bg",
    "partner_idx",
    "elternteil_1_idx",
    "elternteil_2_idx",
    "kindergeld_empfaenger_idx",
}

MEHRBEDARFE = [
    "mehrbedarf_schwangerschaft_m",
    "mehrbedarf_alleinerziehend_m",
    "mehrbedarf_behinderung_m",
    "mehrbedarf_ernaehrung_m",
    "mehrbedarf_unabweisbar_m",
    "mehrbedarf_warmwasser_m",
]
GELD_SUMMEN_BG = [
    "regelbedarf_m",
    "kindersofortzuschlag_m",
    *MEHRBEDARFE,
    "mehrbedarf_gesamt_m",
    "kdu_anerkannt_m",
    "gesamtbedarf_m",
    "bedarf_anteilig_m",
    "einkommen_bereinigt_m",
    "freibetrag_erwerb_m",
    "kindergeld_angerechnet_m",
    "kindergeld_ueberhang_erhalten_m",
]
GELD_SUMMEN_BG_ENDE = ["leistungsanspruch_m", "wegfall_m", "minderung_m", "zahlbetrag_m"]
#: Output columns of `--level bg` (CONTRACT §3.1), in order.
BG_SPALTEN = [
    "bg_id",
    "anzahl_mitglieder",
    *[s for s in GELD_SUMMEN_BG if s != "kindergeld_ueberhang_erhalten_m"],
    "kindergeld_ueberhang_m",
    "vermoegen_bg",
    "vermoegensfreibetrag_bg",
    "vermoegen_ueber_freibetrag",
    *GELD_SUMMEN_BG_ENDE,
]
#: Output columns of `--level person` (CONTRACT §3.2), in order.
PERSON_SPALTEN = [
    "bg_id",
    "p_id",
    "bg_mitglied",
    "regelbedarfsstufe",
    "regelbedarf_m",
    "kindersofortzuschlag_m",
    *MEHRBEDARFE,
    "mehrbedarf_gesamt_m",
    "kdu_anerkannt_m",
    "gesamtbedarf_m",
    "bedarf_anteilig_m",
    "einkommen_bereinigt_m",
    "freibetrag_erwerb_m",
    "kindergeld_angerechnet_m",
    "kindergeld_ueberhang_m",
    "bedarfsanteil",
    "leistungsanspruch_m",
    "wegfall_m",
    "minderung_m",
    "zahlbetrag_m",
    "anspruchstage",
]
_NICHT_GELD = {
    "bg_id",
    "p_id",
    "bg_mitglied",
    "regelbedarfsstufe",
    "bedarfsanteil",
    "anspruchstage",
    "anzahl_mitglieder",
    "vermoegen_ueber_freibetrag",
}


@dataclass
class Ergebnis:
    """Result of `compute`: BG rows (sorted by bg_id), person rows (sorted by p_id) and traces by bg_id."""

    bg: pl.DataFrame
    person: pl.DataFrame
    traces: dict[int, dict[str, Any]] = field(default_factory=dict)
    stichtag: dt.date | None = None
    werte: dict[str, Any] = field(default_factory=dict, repr=False)


def als_dataframe(personen: Any) -> pl.DataFrame:
    """Accept a Polars frame, a list of dicts (one per person) or a dict of columns."""
    if isinstance(personen, pl.DataFrame):
        return personen
    if isinstance(personen, list):
        spalten = sorted({k for zeile in personen for k in zeile})
        return pl.DataFrame({s: [zeile.get(s) for zeile in personen] for s in spalten}, strict=False)
    return pl.DataFrame(personen, strict=False)


def parameter_am(stichtag: dt.date) -> dict[str, Any]:
    """Return every parameter's value in force on `stichtag`, by YAML key."""
    return {key: p.am(stichtag) for key, p in PARAMETER.items()}


def _gruppen_codes(sortiert: np.ndarray) -> np.ndarray:
    wechsel = np.empty(len(sortiert), dtype=bool)
    wechsel[:1] = True
    np.not_equal(sortiert[1:], sortiert[:-1], out=wechsel[1:])
    return np.cumsum(wechsel) - 1


def _bereite_vor(spalten: dict[str, np.ndarray]) -> tuple[dict[str, Any], np.ndarray | None]:
    """Sort the persons by (hh_id, p_id) and build structure arrays; return the context and the order."""
    hh, p = spalten["hh_id"], spalten["p_id"]
    n = len(p)
    sortiert = n < 2 or bool(np.all((hh[1:] > hh[:-1]) | ((hh[1:] == hh[:-1]) & (p[1:] > p[:-1]))))
    ordnung = None if sortiert else np.lexsort((p, hh))
    indizes = spalten["_indizes"]
    ctx: dict[str, Any] = {}
    if ordnung is not None:
        rueck = np.empty(n, dtype=np.int64)
        rueck[ordnung] = np.arange(n)
    for name, werte in spalten.items():
        if name.startswith("_"):
            continue
        ctx[EINGABE_UMBENENNUNG.get(name, name)] = werte if ordnung is None else werte[ordnung]
    for name in ID_VERWEISE:
        idx = indizes[name] if ordnung is None else indizes[name][ordnung]
        if ordnung is not None:
            idx = np.where(idx >= 0, rueck[np.maximum(idx, 0)], -1)
        ctx[name.removeprefix("p_id_") + "_idx"] = idx
    hh_idx = _gruppen_codes(ctx["hh_id"])
    anzahl_hh = int(hh_idx[-1]) + 1 if n else 0
    start_hh = np.flatnonzero(np.r_[True, hh_idx[1:] != hh_idx[:-1]]) if n else np.zeros(0, dtype=np.int64)
    personen_hh = np.diff(np.r_[start_hh, n])
    bg = ctx["bg_id"]
    bg_start = None
    if n < 2 or bool(np.all(bg[1:] >= bg[:-1])):
        bg_idx = _gruppen_codes(bg)
        bg_start = np.flatnonzero(np.r_[True, bg[1:] != bg[:-1]]) if n else np.zeros(0, dtype=np.int64)
        bg_ids = bg[bg_start]
    else:
        bg_ids, bg_idx = np.unique(bg, return_inverse=True)
    hh_der_bg = np.zeros(len(bg_ids), dtype=np.int64)
    hh_der_bg[bg_idx] = hh_idx
    ctx.update(
        hh_idx=hh_idx,
        anzahl_hh=anzahl_hh,
        personen_hh=personen_hh,
        rang_im_hh=np.arange(n) - start_hh[hh_idx],
        bg_idx=bg_idx,
        anzahl_bg=len(bg_ids),
        hh_der_bg=hh_der_bg,
        bg_ids=bg_ids,
        bg_start=bg_start,
    )
    for name in HAUSHALT_SPALTEN:
        intern = EINGABE_UMBENENNUNG.get(name, name)
        ctx[intern] = ctx[intern][start_hh]
    return ctx, ordnung


#: Columns the output needs; in a batch without trace every other intermediate is freed after its last use.
AUSGABE_WERTE = {
    *PERSON_SPALTEN,
    *GELD_SUMMEN_BG,
    "bg_ids",
    "bg_idx",
    "anzahl_bg",
    "bg_start",
    "anzahl_mitglieder_bg",
    "vermoegen_bg",
    "vermoegensfreibetrag_bg",
    "vermoegen_ueber_freibetrag_bg",
}


def rechne(ctx: dict[str, Any], stichtag: dt.date, *, alles_behalten: bool = True) -> dict[str, Any]:
    """Run the rules in force on `stichtag` over the prepared context, adding each rule's column.

    With `alles_behalten=False` (batch without trace) intermediates are dropped after their last use,
    which keeps the peak memory of a country-sized batch low.
    """
    parameter = parameter_am(stichtag)
    bekannt = frozenset(ctx) | frozenset(parameter)
    ordnung = regeln.reihenfolge_am(stichtag, bekannt)
    letzte: dict[str, int] = {}
    if not alles_behalten:
        for schritt, regel in enumerate(ordnung):
            for a in regel.argumente:
                letzte[a] = schritt
    for schritt, regel in enumerate(ordnung):
        argumente = {a: ctx[a] if a in ctx else parameter[a] for a in regel.argumente}
        ctx[regel.name] = regel.funktion(**argumente)
        del argumente
        if not alles_behalten:
            for a in regel.argumente:
                if letzte[a] == schritt and a in ctx and a not in AUSGABE_WERTE:
                    del ctx[a]
    return ctx


def _summe_bg(ctx: dict[str, Any], werte: np.ndarray) -> np.ndarray:
    if ctx["bg_start"] is not None and len(werte):
        return np.add.reduceat(werte, ctx["bg_start"])
    return np.bincount(ctx["bg_idx"], weights=werte, minlength=ctx["anzahl_bg"]).astype(np.int64)


def _ausgabe(ctx: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:
    mitglied = ctx["bg_mitglied"]
    bg: dict[str, Any] = {"bg_id": ctx["bg_ids"], "anzahl_mitglieder": ctx["anzahl_mitglieder_bg"]}
    for name in GELD_SUMMEN_BG:
        ziel = "kindergeld_ueberhang_m" if name == "kindergeld_ueberhang_erhalten_m" else name
        bg[ziel] = _summe_bg(ctx, np.where(mitglied, ctx[name], 0))
    bg["vermoegen_bg"] = ctx["vermoegen_bg"]
    bg["vermoegensfreibetrag_bg"] = ctx["vermoegensfreibetrag_bg"]
    bg["vermoegen_ueber_freibetrag"] = ctx["vermoegen_ueber_freibetrag_bg"]
    for name in GELD_SUMMEN_BG_ENDE:
        bg[name] = _summe_bg(ctx, ctx[name])
    person = {name: ctx[name] for name in PERSON_SPALTEN}
    person["regelbedarfsstufe"] = person["regelbedarfsstufe"].astype(np.int64)
    # Cents to Euro with NumPy's correctly rounded division: 200886 / 100 is exactly the double nearest 2008.86.
    # (Polars divides large columns by multiplying with the reciprocal, which can miss it by one ulp.)
    bg_frame = pl.DataFrame({s: bg[s] if s in _NICHT_GELD else bg[s] / 100.0 for s in BG_SPALTEN})
    person_frame = pl.DataFrame(
        {s: person[s] if s in _NICHT_GELD else person[s] / 100.0 for s in PERSON_SPALTEN}
    )
    p = ctx["p_id"]
    if len(p) > 1 and not bool(np.all(p[1:] > p[:-1])):
        person_frame = person_frame.sort("p_id")
    return bg_frame, person_frame


def compute(
    personen: Any,
    stichtag: dt.date | str,
    *,
    trace_bg_ids: tuple[int, ...] | list[int] = (),
    behalte_werte: bool = False,
) -> Ergebnis:
    """Compute the month containing `stichtag` for all persons (CONTRACT §§ 3–5).

    `personen`: a Polars frame (or a list of dicts, one per person) with the columns of CONTRACT §2.
    Raises `EingabeFehler` for invalid input. `trace_bg_ids`: BGs whose trace (CONTRACT §6) to build.
    `behalte_werte=True` keeps every intermediate column in `Ergebnis.werte` (for traces built later).
    """
    from .trace import baue_trace

    stichtag = pruefe_stichtag(stichtag)
    frame = als_dataframe(personen)
    spalten = lese_spalten(frame, stichtag)
    ctx, _ = _bereite_vor(spalten)
    del spalten
    rechne(ctx, stichtag, alles_behalten=bool(trace_bg_ids) or behalte_werte)
    bg_frame, person_frame = _ausgabe(ctx)
    traces = {}
    for bg_id in trace_bg_ids:
        traces[int(bg_id)] = baue_trace(ctx, stichtag, int(bg_id))
    return Ergebnis(bg=bg_frame, person=person_frame, traces=traces, stichtag=stichtag, werte=ctx)


def validate(personen: Any, stichtag: dt.date | str) -> None:
    """Raise `EingabeFehler` if the input or the Stichtag violates CONTRACT §1; return None otherwise."""
    stichtag = pruefe_stichtag(stichtag)
    lese_spalten(als_dataframe(personen), stichtag)
