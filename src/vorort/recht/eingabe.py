"""Input schema of CONTRACT §2 and its validation (CONTRACT §1): one row per person.

`lese_spalten` turns a Polars frame into typed NumPy columns (money in int64 cents) and raises
`EingabeFehler` naming the first offending row (1-based, in input order), the `p_id` and the column.
Extra columns are ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from .geld import euro_zu_cent
from .parallel import je
from .parameter import ERSTER_STICHTAG, LETZTER_STICHTAG, PARAMETER

INT, BOOL, GELD, GRENZE = "int", "bool", "geld", "grenze"

#: column -> (type, required, default). GRENZE is money where empty means "no limit" (-1 cent inside).
SCHEMA: dict[str, tuple[str, bool, object]] = {
    "bg_id": (INT, True, None),
    "hh_id": (INT, True, None),
    "p_id": (INT, True, None),
    "alter": (INT, True, None),
    "p_id_partner": (INT, False, -1),
    "p_id_elternteil_1": (INT, False, -1),
    "p_id_elternteil_2": (INT, False, -1),
    "alleinerziehend": (BOOL, False, False),
    "p_id_kindergeld_empfaenger": (INT, False, -1),
    "brutto_erwerb_m": (GELD, False, 0),
    "netto_erwerb_m": (GELD, False, 0),
    "gewinn_selbststaendig_m": (GELD, False, 0),
    "steuern_selbststaendig_m": (GELD, False, 0),
    "absetzbetraege_erwerb_m": (GELD, False, 0),
    "schueler_student_azubi": (BOOL, False, False),
    "unterhalt_m": (GELD, False, 0),
    "unterhaltsvorschuss_m": (GELD, False, 0),
    "rente_m": (GELD, False, 0),
    "alg1_m": (GELD, False, 0),
    "sonstiges_einkommen_m": (GELD, False, 0),
    "vermoegen": (GELD, False, 0),
    "schwanger_ab_13_woche": (BOOL, False, False),
    "mehrbedarf_behinderung": (BOOL, False, False),
    "mehrbedarf_ernaehrung_m": (GELD, False, 0),
    "mehrbedarf_unabweisbar_m": (GELD, False, 0),
    "anspruchstage": (INT, False, 30),
    "minderung_prozent": (INT, False, 0),
    "nicht_erreichbar": (BOOL, False, False),
    "kaltmiete_m_hh": (GELD, True, None),
    "heizkosten_m_hh": (GELD, True, None),
    "warmwasser_dezentral_hh": (BOOL, False, False),
    "grenze_bruttokaltmiete_m_hh": (GRENZE, False, None),
    "grenze_heizkosten_m_hh": (GRENZE, False, None),
    "grenze_gesamt_m_hh": (GRENZE, False, None),
    "kostensenkung_laeuft_hh": (BOOL, False, False),
    "karenzzeit_abgelaufen": (BOOL, False, False),
}
HAUSHALT_SPALTEN = [s for s in SCHEMA if s.endswith("_hh")] + ["karenzzeit_abgelaufen"]
ID_VERWEISE = ["p_id_partner", "p_id_elternteil_1", "p_id_elternteil_2", "p_id_kindergeld_empfaenger"]
_WAHR = {"true", "1", "t", "yes"}
_FALSCH = {"false", "0", "f", "no"}


class EingabeFehler(ValueError):
    """Invalid input: names the 1-based data row, the p_id and the column (CONTRACT §1).

    `message` is English (CLI), `message_de` German (UI), e.g. "Zeile 3 (Person 17), Spalte
    netto_erwerb_m: negativer Betrag -12.50 ist nicht zulässig."
    """

    def __init__(
        self,
        message: str,
        message_de: str,
        *,
        row: int | None = None,
        p_id: int | None = None,
        column: str | None = None,
    ) -> None:
        self.row, self.p_id, self.column = row, p_id, column
        self.message, self.message_de = message, message_de
        super().__init__(self.zeile_en())

    def zeile_en(self) -> str:
        teile = []
        if self.row is not None:
            teile.append(f"row {self.row}" + (f" (p_id {self.p_id})" if self.p_id is not None else ""))
        if self.column is not None:
            teile.append(f"column {self.column}")
        return ", ".join(teile) + (": " if teile else "") + self.message

    def zeile_de(self) -> str:
        teile = []
        if self.row is not None:
            teile.append(f"Zeile {self.row}" + (f" (Person {self.p_id})" if self.p_id is not None else ""))
        if self.column is not None:
            teile.append(f"Spalte {self.column}")
        return ", ".join(teile) + (": " if teile else "") + self.message_de


@dataclass
class _Kontext:
    p_id: np.ndarray | None = None

    def fehler(self, idx: int | None, column: str | None, en: str, de: str) -> EingabeFehler:
        p = None
        if idx is not None and self.p_id is not None:
            p = int(self.p_id[idx])
        return EingabeFehler(en, de, row=None if idx is None else int(idx) + 1, p_id=p, column=column)


def pruefe_stichtag(stichtag: dt.date | str) -> dt.date:
    """Return the Stichtag as a date; raise `EingabeFehler` if malformed or outside the supported range."""
    if isinstance(stichtag, str):
        try:
            stichtag = dt.date.fromisoformat(stichtag)
        except ValueError:
            raise EingabeFehler(
                f"malformed Stichtag {stichtag!r}, expected YYYY-MM-DD",
                f"Stichtag {stichtag!r} ist kein Datum im Format JJJJ-MM-TT.",
                column="stichtag",
            ) from None
    if isinstance(stichtag, dt.datetime):
        stichtag = stichtag.date()
    if not ERSTER_STICHTAG <= stichtag <= LETZTER_STICHTAG:
        raise EingabeFehler(
            f"Stichtag {stichtag} is outside the supported range {ERSTER_STICHTAG} .. {LETZTER_STICHTAG}",
            f"Stichtag {stichtag} liegt außerhalb des unterstützten "
            f"Zeitraums {ERSTER_STICHTAG} bis {LETZTER_STICHTAG}.",
            column="stichtag",
        )
    return stichtag


def _erste(maske: np.ndarray) -> int | None:
    treffer = np.flatnonzero(maske)
    return int(treffer[0]) if treffer.size else None


def _als_text(serie: pl.Series) -> pl.Series:
    return serie.cast(pl.String).str.strip_chars()


def _und(gegeben: np.ndarray | None, maske: np.ndarray) -> np.ndarray:
    return maske if gegeben is None else gegeben & maske


def _lese(serie: pl.Series, art: str, kontext: _Kontext, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Return (values, given) for one column, given None if every value is given; raise on a wrong type."""
    dtype = serie.dtype
    if (dtype.is_numeric() or dtype == pl.Boolean) and serie.null_count() == 0:
        # Fast path (Parquet, frames without nulls): no masks; integer columns come zero-copy from Polars.
        gegeben = None
        werte = serie.to_numpy()
        if dtype == pl.Boolean:
            if art != BOOL:
                raise kontext.fehler(
                    0,
                    name,
                    "boolean given where a number is expected",
                    "Wahrheitswert statt einer Zahl angegeben.",
                )
            return werte, None
        if dtype.is_float():
            werte = werte.astype(np.float64, copy=False)
            nan = np.isnan(werte)
            if nan.any():
                gegeben = ~nan
                werte = np.where(nan, 0, werte)
    elif dtype == pl.String or dtype == pl.Categorical or dtype == pl.Null:
        text = _als_text(serie)
        gegeben = (text.is_not_null() & (text != "")).to_numpy()
        if art == BOOL:
            klein = text.str.to_lowercase()
            wahr = klein.is_in(list(_WAHR)).fill_null(False).to_numpy()
            falsch = klein.is_in(list(_FALSCH)).fill_null(False).to_numpy()
            idx = _erste(gegeben & ~wahr & ~falsch)
            if idx is not None:
                raise kontext.fehler(
                    idx,
                    name,
                    f"not a boolean: {text[idx]!r} (use true/false or 1/0)",
                    f"{text[idx]!r} ist kein Wahrheitswert (erlaubt: true/false oder 1/0).",
                )
            return wahr, gegeben
        zahlen = text.cast(pl.Float64, strict=False)
        idx = _erste(gegeben & zahlen.is_null().to_numpy())
        if idx is not None:
            raise kontext.fehler(idx, name, f"not a number: {text[idx]!r}", f"{text[idx]!r} ist keine Zahl.")
        werte = zahlen.fill_null(0).to_numpy()
    elif dtype == pl.Boolean:
        gegeben = serie.is_not_null().to_numpy()
        werte = serie.fill_null(False).to_numpy()
        if art != BOOL:
            raise kontext.fehler(
                _erste(gegeben) or 0,
                name,
                "boolean given where a number is expected",
                "Wahrheitswert statt einer Zahl angegeben.",
            )
        return werte.astype(bool), gegeben
    elif dtype.is_numeric():
        gegeben = serie.is_not_null().to_numpy()
        werte = (
            serie.cast(pl.Float64).fill_null(0).to_numpy()
            if not dtype.is_integer()
            else serie.fill_null(0).to_numpy()
        )
        if dtype.is_float():
            nan = np.isnan(werte) & gegeben
            gegeben = gegeben & ~np.isnan(werte)
            werte = np.where(nan, 0, werte)
    else:
        raise kontext.fehler(
            None, name, f"unsupported column type {dtype}", f"Spaltentyp {dtype} wird nicht unterstützt."
        )
    if art == BOOL:
        idx = _erste(_und(gegeben, (werte != 0) & (werte != 1)))
        if idx is not None:
            raise kontext.fehler(
                idx,
                name,
                f"not a boolean: {werte[idx]!r} (use true/false or 1/0)",
                f"{werte[idx]!r} ist kein Wahrheitswert (erlaubt: true/false oder 1/0).",
            )
        return werte == 1, gegeben
    if art == INT:
        if werte.dtype.kind == "f":
            idx = _erste(
                _und(gegeben, (werte != np.floor(werte)) | ~np.isfinite(werte) | (np.abs(werte) > 2**53))
            )
            if idx is not None:
                raise kontext.fehler(
                    idx, name, f"not an integer: {werte[idx]!r}", f"{werte[idx]!r} ist keine ganze Zahl."
                )
        return werte.astype(np.int64, copy=False), gegeben
    idx = _erste(_und(gegeben, ~np.isfinite(werte.astype(np.float64))))
    if idx is not None:
        raise kontext.fehler(
            idx, name, f"not a finite number: {werte[idx]!r}", f"{werte[idx]!r} ist keine endliche Zahl."
        )
    return werte, gegeben


def lese_spalten(personen: pl.DataFrame, stichtag: dt.date) -> dict[str, np.ndarray]:
    """Validate the input frame (CONTRACT §1) and return typed columns in input order.

    Money columns come back in int64 cents; GRENZE columns carry -1 where no limit is given.
    Columns are read on several threads; the error reported is the one of the first column in
    SCHEMA order, as if they were read one after another.
    """
    kontext = _Kontext()
    for name, (_, pflicht, _) in SCHEMA.items():
        if pflicht and name not in personen.columns:
            raise kontext.fehler(None, name, "required column is missing", "Pflichtspalte fehlt.")
    spalten = {"p_id": _spalte(personen, "p_id", kontext)}
    kontext.p_id = spalten["p_id"]
    namen = [s for s in SCHEMA if s != "p_id"]
    spalten.update(zip(namen, je(lambda name: _spalte(personen, name, kontext), namen), strict=True))
    _pruefe_werte(spalten, stichtag, kontext)
    _pruefe_beziehungen(spalten, kontext)
    return spalten


def _spalte(personen: pl.DataFrame, name: str, kontext: _Kontext) -> np.ndarray:
    """Return one validated input column (money in cents, defaults filled in)."""
    art, pflicht, standard = SCHEMA[name]
    if name not in personen.columns:
        # A missing column is its default on every row: a read-only view of one value (no memory).
        if art == GRENZE:
            standard_wert = np.int64(-1)
        elif art == GELD:
            standard_wert = np.int64(0)
        elif art == BOOL:
            standard_wert = np.bool_(standard)
        else:
            standard_wert = np.int64(standard)
        return np.broadcast_to(standard_wert, personen.height)
    werte, gegeben = _lese(personen.get_column(name), art, kontext, name)
    fehlt = None if gegeben is None else ~gegeben
    if pflicht and fehlt is not None and fehlt.any():
        raise kontext.fehler(_erste(fehlt), name, "value is missing", "Wert fehlt.")
    if art in (GELD, GRENZE):
        werte = euro_zu_cent(werte)
        idx = _erste(_und(gegeben, werte < 0)) if len(werte) and werte.min() < 0 else None
        if idx is not None:
            betrag = werte[idx] / 100
            raise kontext.fehler(
                idx,
                name,
                f"negative amount {betrag:g}",
                f"negativer Betrag {betrag:.2f} ist nicht zulässig.".replace(".", ",", 1),
            )
        if gegeben is not None:
            werte = np.where(gegeben, werte, -1 if art == GRENZE else 0)
    elif art == BOOL:
        if gegeben is not None:
            werte = np.where(gegeben, werte, bool(standard))
    elif gegeben is not None:
        werte = np.where(gegeben, werte, 0 if standard is None else standard).astype(np.int64)
    elif werte.dtype != np.int64:
        werte = werte.astype(np.int64)
    return werte


def _pruefe_werte(s: dict[str, np.ndarray], stichtag: dt.date, k: _Kontext) -> None:
    for name in ("alter", "anspruchstage"):
        idx = _erste(s[name] < 0)
        if idx is not None:
            raise k.fehler(
                idx,
                name,
                f"negative value {s[name][idx]}",
                f"negativer Wert {s[name][idx]} ist nicht zulässig.",
            )
    idx = _erste(s["anspruchstage"] > 30)
    if idx is not None:
        raise k.fehler(
            idx,
            "anspruchstage",
            f"{s['anspruchstage'][idx]} days, at most 30 allowed (§ 41 Abs. 1 SGB II)",
            f"{s['anspruchstage'][idx]} Tage, höchstens 30 sind zulässig (§ 41 Abs. 1 SGB II).",
        )
    regel = PARAMETER["minderung"].am(stichtag)
    m = s["minderung_prozent"]
    voll = m == 100
    idx = _erste(((m < 0) | (m > regel.hoechstsatz)) & ~voll)
    if idx is not None:
        raise k.fehler(
            idx,
            "minderung_prozent",
            f"{m[idx]} is not in 0..{regel.hoechstsatz} or 100",
            f"{m[idx]} liegt nicht zwischen 0 und {regel.hoechstsatz} und ist nicht 100.",
        )
    idx = _erste(voll) if not regel.vollentzug_zulaessig else None
    if idx is not None:
        raise k.fehler(
            idx,
            "minderung_prozent",
            f"100 (full withdrawal of the Regelbedarf) is not allowed on {stichtag}: only 2024-03-28 .. "
            "2026-03-27 (§ 31a Abs. 7 SGB II) and from 2026-07-01",
            f"100 % (vollständiger Entzug des Regelbedarfs) ist am {stichtag} nicht zulässig: nur vom "
            "28.03.2024 bis 27.03.2026 (§ 31a Abs. 7 SGB II) und ab 01.07.2026.",
        )
    if not PARAMETER["nichterreichbarkeit"].am(stichtag).anwendbar:
        idx = _erste(s["nicht_erreichbar"])
        if idx is not None:
            raise k.fehler(
                idx,
                "nicht_erreichbar",
                f"true is only allowed from 2026-07-01 (Stichtag {stichtag})",
                f"'wahr' ist erst ab 01.07.2026 zulässig (Stichtag {stichtag}).",
            )
    idx = _erste(s["netto_erwerb_m"] > s["brutto_erwerb_m"])
    if idx is not None:
        raise k.fehler(
            idx,
            "netto_erwerb_m",
            f"net pay {s['netto_erwerb_m'][idx] / 100:g} exceeds "
            f"gross pay {s['brutto_erwerb_m'][idx] / 100:g}",
            f"Nettolohn {s['netto_erwerb_m'][idx] / 100:.2f} ist höher als der Bruttolohn "
            f"{s['brutto_erwerb_m'][idx] / 100:.2f}.",
        )


def _pruefe_beziehungen(s: dict[str, np.ndarray], k: _Kontext) -> None:
    p = s["p_id"]
    ordnung = sortierordnung(p)
    sortiert = ordnung is None  # then a position in p_sortiert is the row itself
    p_sortiert = p if sortiert else p[ordnung]
    doppelt = np.flatnonzero(p_sortiert[1:] == p_sortiert[:-1])
    if doppelt.size:
        zweite = doppelt + 1 if sortiert else ordnung[doppelt + 1]
        idx = int(zweite.min())
        raise k.fehler(idx, "p_id", f"duplicate p_id {p[idx]}", f"p_id {p[idx]} kommt mehrfach vor.")
    # Fast path: p_id sorted without gaps (as the generator and most exports produce): index = p_id - first.
    lueckenlos = len(p) > 0 and int(p_sortiert[-1]) - int(p_sortiert[0]) == len(p) - 1

    def zeilen_der_verweise(name: str) -> np.ndarray:
        """Return the row each reference of column `name` points to (-1: none); raise if it points nowhere."""
        ziel = s[name]
        gesetzt = ziel != -1
        if lueckenlos:
            pos = ziel - p_sortiert[0]
            gefunden = gesetzt & (pos >= 0) & (pos < len(p))
            np.copyto(pos, 0, where=~gefunden)
        else:
            pos = np.clip(np.searchsorted(p_sortiert, ziel), 0, len(p) - 1)
            gefunden = gesetzt & (p_sortiert[pos] == ziel)
        idx = _erste(gesetzt & ~gefunden)
        if idx is not None:
            raise k.fehler(
                idx,
                name,
                f"person {ziel[idx]} does not exist in the file",
                f"Person {ziel[idx]} gibt es in der Datei nicht.",
            )
        idx = _erste(gesetzt & (ziel == p))
        if idx is not None:
            raise k.fehler(idx, name, "refers to the person itself", "verweist auf die Person selbst.")
        zeilen = pos if sortiert else ordnung[pos]
        np.copyto(zeilen, -1, where=~gefunden)
        return zeilen

    indizes = dict(zip(ID_VERWEISE, je(zeilen_der_verweise, ID_VERWEISE), strict=True))
    partner = indizes["p_id_partner"]
    hat = partner >= 0
    zeilen = np.arange(len(p))
    idx = _erste(hat & (partner[np.where(hat, partner, 0)] != zeilen))
    if idx is not None:
        raise k.fehler(
            idx,
            "p_id_partner",
            f"partner relation with {s['p_id_partner'][idx]} is not mutual",
            f"Partnerschaft mit Person {s['p_id_partner'][idx]} ist nicht gegenseitig eingetragen.",
        )
    idx = _erste(hat & (s["bg_id"][np.where(hat, partner, 0)] != s["bg_id"]))
    if idx is not None:
        raise k.fehler(
            idx,
            "p_id_partner",
            f"partner {s['p_id_partner'][idx]} is in another BG",
            f"Partner {s['p_id_partner'][idx]} gehört zu einer anderen Bedarfsgemeinschaft.",
        )
    s["_indizes"] = indizes
    # One BG lies in one household; household facts are equal on all rows of a household.
    bg_ordnung = sortierordnung(s["bg_id"])
    _pruefe_gleich_in_gruppe(
        s["bg_id"],
        bg_ordnung,
        s["hh_id"],
        "hh_id",
        k,
        "BG {g} is spread over two households",
        "Bedarfsgemeinschaft {g} verteilt sich auf zwei Haushalte.",
    )
    hh_ordnung = sortierordnung(s["hh_id"])
    je(
        lambda name: _pruefe_gleich_in_gruppe(
            s["hh_id"],
            hh_ordnung,
            s[name],
            name,
            k,
            "differs between rows of household {g}",
            "weicht zwischen den Zeilen des Haushalts {g} ab.",
        ),
        HAUSHALT_SPALTEN,
    )


def sortierordnung(werte: np.ndarray) -> np.ndarray | None:
    """Return a stable sorting permutation of `werte`, or None if they are already sorted."""
    if werte.size < 2 or bool(np.all(werte[1:] >= werte[:-1])):
        return None
    return np.argsort(werte, kind="stable")


def _pruefe_gleich_in_gruppe(
    gruppe: np.ndarray,
    ordnung: np.ndarray | None,
    werte: np.ndarray,
    name: str,
    k: _Kontext,
    en: str,
    de: str,
) -> None:
    if ordnung is None:
        g, w = gruppe, werte
    else:
        g, w = gruppe[ordnung], werte[ordnung]
    anders = (g[1:] == g[:-1]) & (w[1:] != w[:-1])
    if anders.any():
        kandidaten = np.flatnonzero(anders) + 1
        kandidaten = kandidaten if ordnung is None else ordnung[kandidaten]
        idx = int(kandidaten.min())
        raise k.fehler(idx, name, en.format(g=gruppe[idx]), de.format(g=gruppe[idx]))
