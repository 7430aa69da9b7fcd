"""Run the rules over a batch of persons: one implementation for one BG and for a whole country.

`compute` validates the input, sorts the persons by household and `p_id`, builds the structure
arrays the rules need (group indices, relations as row indices), runs the rules in force on the
Stichtag in dependency order and assembles the output frames of CONTRACT §3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl

from . import regeln
from .eingabe import HAUSHALT_SPALTEN, ID_VERWEISE, SCHEMA, lese_spalten, pruefe_stichtag
from .parallel import THREADS, je
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


@dataclass(frozen=True)
class Aufruf:
    """One recorded rule run: the rule in force and the dated parameter values it was given, by key."""

    regel: regeln.Regel
    parameter: dict[str, Any]


@dataclass
class Ergebnis:
    """Result of `compute`: BG rows (sorted by bg_id), person rows (sorted by p_id) and traces by bg_id."""

    bg: pl.DataFrame
    person: pl.DataFrame | None  # None when computed with `mit_personen=False`
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


@lru_cache(maxsize=64)
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
        start_hh=start_hh,
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
#: Rows per chunk of a batch. Households linked by a relation stay in one chunk (decision 0105); a chunk's
#: columns (about 0.5 MB each) stay in the CPU cache and its temporaries reuse the same freed memory.
STUECK_ZEILEN = 1 << 16

_PERSON_EINGABEN = [
    EINGABE_UMBENENNUNG.get(s, s) for s in SCHEMA if s not in HAUSHALT_SPALTEN and s not in ID_VERWEISE
]
_HH_EINGABEN = [EINGABE_UMBENENNUNG.get(s, s) for s in HAUSHALT_SPALTEN]
_VERWEISE = [name.removeprefix("p_id_") + "_idx" for name in ID_VERWEISE]
#: Person output columns taken directly from the sorted input (not per chunk).
_PERSON_DIREKT = ("bg_id", "p_id", "anspruchstage")


@lru_cache(maxsize=64)
def _plan(stichtag: dt.date, bekannt: frozenset[str]) -> tuple[tuple[Any, tuple[str, ...]], ...]:
    """Rules in order, each with the intermediates that can be freed after it (batch without trace)."""
    ordnung = regeln.reihenfolge_am(stichtag, bekannt)
    letzte: dict[str, int] = {}
    for schritt, regel in enumerate(ordnung):
        for a in regel.argumente:
            letzte[a] = schritt
    return tuple(
        (regel, tuple(a for a in regel.argumente if letzte[a] == schritt and a not in AUSGABE_WERTE))
        for schritt, regel in enumerate(ordnung)
    )


def rechne(ctx: dict[str, Any], stichtag: dt.date, *, alles_behalten: bool = True) -> dict[str, Any]:
    """Run the rules in force on `stichtag` over the prepared context, adding each rule's column.

    With `alles_behalten=False` (batch without trace) intermediates are dropped after their last use,
    which keeps the memory of a chunk small. With `alles_behalten=True` (one BG, trace) every rule run is
    recorded in `ctx["_protokoll"]` as it happens: the rule and the dated parameter values it was given
    (`trace.baue_trace` reads that record; the columns it names stay in `ctx`).
    """
    parameter = parameter_am(stichtag)
    plan = _plan(stichtag, frozenset(ctx) | frozenset(parameter))
    protokoll: list[Aufruf] | None = [] if alles_behalten else None
    for regel, frei in plan:
        ctx[regel.name] = regel.funktion(*[ctx[a] if a in ctx else parameter[a] for a in regel.argumente])
        if protokoll is None:
            for a in frei:
                ctx.pop(a, None)
        else:
            protokoll.append(Aufruf(regel, {a: parameter[a] for a in regel.argumente if a not in ctx}))
    if protokoll is not None:
        ctx["_protokoll"] = protokoll
    return ctx


def _summe_bg(ctx: dict[str, Any], werte: np.ndarray) -> np.ndarray:
    """Sum integer person values per BG: exact differences of a running sum where BGs are contiguous."""
    if ctx["bg_start"] is not None and len(werte):
        if "_bg_ende" not in ctx:
            ctx["_bg_ende"] = np.r_[ctx["bg_start"][1:] - 1, len(werte) - 1]
        laufend = np.cumsum(werte, dtype=np.int64)
        return np.diff(laufend.take(ctx["_bg_ende"]), prepend=0)
    return np.bincount(ctx["bg_idx"], weights=werte, minlength=ctx["anzahl_bg"]).astype(np.int64)


def _stueck_grenzen(ctx: dict[str, Any], zeilen: int) -> list[int]:
    """Cut the sorted rows into chunks of about `zeilen` rows at household starts that no relation crosses.

    A relation (partner, parent, Kindergeld recipient) from row r to row t crosses every cut c with
    min(r, t) < c <= max(r, t); such cuts are not allowed, so linked households stay in one chunk.
    """
    n = len(ctx["hh_idx"])
    if n <= zeilen:
        return [0, n]
    erster, *weitere = [ctx[name] for name in _VERWEISE]
    # Links to the right: the largest target of the rows before c must be < c.
    rechts = erster.copy()
    # Links to the left: the smallest target of the rows
    # from c on must be >= c (-1 = none; as unsigned: huge).
    links = erster.view(np.uint64).copy()
    for v in weitere:
        np.maximum(rechts, v, out=rechts)
        np.minimum(links, v.view(np.uint64), out=links)
    np.maximum.accumulate(rechts, out=rechts)
    links = np.minimum.accumulate(links[::-1])[::-1]
    starts = ctx["start_hh"][1:]
    erlaubt = starts[(rechts[starts - 1] < starts) & (links[starts] >= starts.astype(np.uint64))]
    wahl = np.searchsorted(erlaubt, np.arange(zeilen, n, zeilen))
    schnitte = np.unique(erlaubt[wahl[wahl < len(erlaubt)]])
    return [0, *schnitte.tolist(), n]


def _stueck(ctx: dict[str, Any], a: int, b: int) -> tuple[dict[str, Any], slice | np.ndarray]:
    """Return the context of rows a..b (whole households, no relation leaving it) and its BGs' positions."""
    hh_idx = ctx["hh_idx"]
    h0, h1 = int(hh_idx[a]), int(hh_idx[b - 1]) + 1
    sub: dict[str, Any] = {name: ctx[name][a:b] for name in _PERSON_EINGABEN}
    for name in _HH_EINGABEN:
        sub[name] = ctx[name][h0:h1]
    for name in _VERWEISE:
        v = ctx[name][a:b]
        sub[name] = np.where(v >= 0, v - a, -1)
    sub.update(
        hh_idx=hh_idx[a:b] - h0,
        anzahl_hh=h1 - h0,
        personen_hh=ctx["personen_hh"][h0:h1],
        rang_im_hh=ctx["rang_im_hh"][a:b],
    )
    bg_idx = ctx["bg_idx"][a:b]
    if ctx["bg_start"] is not None:
        g0, g1 = int(bg_idx[0]), int(bg_idx[-1]) + 1
        pos: slice | np.ndarray = slice(g0, g1)
        sub.update(bg_idx=bg_idx - g0, bg_start=ctx["bg_start"][g0:g1] - a, bg_ids=ctx["bg_ids"][g0:g1])
    else:
        pos, lokal = np.unique(bg_idx, return_inverse=True)
        sub.update(bg_idx=lokal, bg_start=None, bg_ids=ctx["bg_ids"][pos])
    sub.update(anzahl_bg=len(sub["bg_ids"]), hh_der_bg=ctx["hh_der_bg"][pos] - h0)
    return sub, pos


def _leere_ausgabe(
    n: int, anzahl_bg: int, mit_personen: bool
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    def spalte(name: str, anzahl: int) -> np.ndarray:
        if name in ("bg_mitglied", "vermoegen_ueber_freibetrag"):
            return np.empty(anzahl, dtype=bool)
        if name in _NICHT_GELD and name != "bedarfsanteil":
            return np.empty(anzahl, dtype=np.int64)
        return np.empty(anzahl, dtype=np.float64)

    person = {s: spalte(s, n) for s in PERSON_SPALTEN if s not in _PERSON_DIREKT} if mit_personen else {}
    bg = {s: spalte(s, anzahl_bg) for s in BG_SPALTEN if s != "bg_id"}
    return person, bg


def _setze(ziel: np.ndarray, pos: slice | np.ndarray, cent: np.ndarray, geld: bool) -> None:
    # Cents to Euro with NumPy's correctly rounded division: 200886 / 100 is exactly the double nearest
    # 2008.86. (Polars divides large columns by multiplying
    # with the reciprocal, which can miss it by one ulp.)
    if isinstance(pos, slice):
        if geld:
            np.divide(cent, 100.0, out=ziel[pos])
        else:
            ziel[pos] = cent
    else:
        ziel[pos] = cent / 100.0 if geld else cent


def _schreibe(
    sub: dict[str, Any],
    zeilen: slice,
    bg_pos: slice | np.ndarray,
    person: dict[str, np.ndarray],
    bg: dict[str, np.ndarray],
) -> None:
    """Write a chunk's output columns (Euro for money) into the batch's output arrays."""
    mitglied = sub["bg_mitglied"]
    _setze(bg["anzahl_mitglieder"], bg_pos, sub["anzahl_mitglieder_bg"], False)
    puffer = np.empty(len(mitglied), dtype=np.int64)
    for name in GELD_SUMMEN_BG:
        ziel = "kindergeld_ueberhang_m" if name == "kindergeld_ueberhang_erhalten_m" else name
        np.multiply(sub[name], mitglied, out=puffer)
        _setze(bg[ziel], bg_pos, _summe_bg(sub, puffer), True)
    _setze(bg["vermoegen_bg"], bg_pos, sub["vermoegen_bg"], True)
    _setze(bg["vermoegensfreibetrag_bg"], bg_pos, sub["vermoegensfreibetrag_bg"], True)
    _setze(bg["vermoegen_ueber_freibetrag"], bg_pos, sub["vermoegen_ueber_freibetrag_bg"], False)
    for name in GELD_SUMMEN_BG_ENDE:
        _setze(bg[name], bg_pos, _summe_bg(sub, sub[name]), True)
    for name, ziel in person.items():
        _setze(ziel, zeilen, sub[name], name not in _NICHT_GELD)


def _rechne_alles(
    ctx: dict[str, Any], stichtag: dt.date, *, behalten: bool, mit_personen: bool = True
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Run the rules chunk by chunk (on `THREADS` threads) and return the person and BG output columns.

    Without `mit_personen` the person columns are neither filled nor returned (the BG sums are the same).
    """
    n = len(ctx["hh_idx"])
    person, bg = _leere_ausgabe(n, ctx["anzahl_bg"], mit_personen)
    if behalten or n == 0:
        rechne(ctx, stichtag, alles_behalten=True)
        _schreibe(ctx, slice(0, n), slice(0, ctx["anzahl_bg"]), person, bg)
    else:
        grenzen = _stueck_grenzen(ctx, STUECK_ZEILEN)

        def lauf(i: int) -> None:
            a, b = grenzen[i], grenzen[i + 1]
            sub, bg_pos = _stueck(ctx, a, b)
            rechne(sub, stichtag, alles_behalten=False)
            _schreibe(sub, slice(a, b), bg_pos, person, bg)

        je(lauf, range(len(grenzen) - 1), threads=THREADS)
    for name in _PERSON_DIREKT if mit_personen else ():
        person[name] = np.ascontiguousarray(ctx[name])  # a missing input column is a broadcast view
    bg["bg_id"] = ctx["bg_ids"]
    return person, bg


def compute(
    personen: Any,
    stichtag: dt.date | str,
    *,
    trace_bg_ids: tuple[int, ...] | list[int] = (),
    behalte_werte: bool = False,
    mit_personen: bool = True,
) -> Ergebnis:
    """Compute the month containing `stichtag` for all persons (CONTRACT §§ 3–5).

    `personen`: a Polars frame (or a list of dicts, one per person) with the columns of CONTRACT §2.
    Raises `EingabeFehler` for invalid input. `trace_bg_ids`: BGs whose trace (CONTRACT §6) to build.
    `behalte_werte=True` keeps every intermediate column in `Ergebnis.werte` (for traces built later);
    otherwise a large batch runs in chunks of households on several threads and keeps no intermediates.
    `mit_personen=False` leaves out the person rows (`Ergebnis.person` is None): a BG-level batch
    then neither fills nor writes them.
    """
    stichtag = pruefe_stichtag(stichtag)
    frame = als_dataframe(personen)
    spalten = lese_spalten(frame, stichtag)
    ctx, _ = _bereite_vor(spalten)
    del spalten
    behalten = bool(trace_bg_ids) or behalte_werte
    person, bg = _rechne_alles(ctx, stichtag, behalten=behalten, mit_personen=mit_personen)
    bg_frame = pl.DataFrame({s: bg[s] for s in BG_SPALTEN})
    person_frame = None
    if mit_personen:
        person_frame = pl.DataFrame({s: person[s] for s in PERSON_SPALTEN})
        p = ctx["p_id"]
        if len(p) > 1 and not bool(np.all(p[1:] > p[:-1])):
            person_frame = person_frame.sort("p_id")
    traces = {}
    if trace_bg_ids:
        from .trace import baue_trace

        for bg_id in trace_bg_ids:
            traces[int(bg_id)] = baue_trace(ctx, stichtag, int(bg_id))
    return Ergebnis(
        bg=bg_frame, person=person_frame, traces=traces, stichtag=stichtag, werte=ctx if behalten else {}
    )


def validate(personen: Any, stichtag: dt.date | str) -> None:
    """Raise `EingabeFehler` if the input or the Stichtag violates CONTRACT §1; return None otherwise."""
    stichtag = pruefe_stichtag(stichtag)
    lese_spalten(als_dataframe(personen), stichtag)
