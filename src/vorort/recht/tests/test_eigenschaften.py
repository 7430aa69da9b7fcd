"""Property tests (hypothesis) over generated BGs: invariants of the money math (STYLE §5)."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vorort.recht import compute

settings.register_profile(
    "recht", max_examples=25, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("recht")

euro = st.integers(min_value=0, max_value=300_000).map(lambda cent: cent / 100)
STICHTAGE = st.sampled_from(
    ["2023-03-01", "2023-09-01", "2024-06-01", "2025-03-01", "2026-01-15", "2026-08-01"]
)


@st.composite
def haushalt(draw, hh_id: int = 1, p_start: int = 1, mit_minderung: bool = True):
    """One household = one BG: one or two adults and 0–3 children, with random income and facts."""
    paar = draw(st.booleans())
    kinder = draw(st.integers(0, 3))
    miete, heizung = draw(euro), draw(st.integers(0, 30_000).map(lambda c: c / 100))
    gemeinsam = {
        "bg_id": hh_id,
        "hh_id": hh_id,
        "kaltmiete_m_hh": miete,
        "heizkosten_m_hh": heizung,
        "karenzzeit_abgelaufen": draw(st.booleans()),
        "warmwasser_dezentral_hh": draw(st.booleans()),
        "grenze_bruttokaltmiete_m_hh": draw(st.one_of(st.none(), euro)),
        "kostensenkung_laeuft_hh": draw(st.booleans()),
    }
    personen = []
    erwachsene = [p_start, p_start + 1] if paar else [p_start]
    for i, p_id in enumerate(erwachsene):
        brutto = draw(st.one_of(st.just(0.0), euro))
        personen.append(
            {
                **gemeinsam,
                "p_id": p_id,
                "alter": draw(st.integers(18, 64)),
                "p_id_partner": erwachsene[1 - i] if paar else -1,
                "alleinerziehend": (not paar) and kinder > 0,
                "brutto_erwerb_m": brutto,
                "netto_erwerb_m": round(brutto * draw(st.sampled_from([1.0, 0.8, 0.7])), 2),
                "rente_m": draw(st.one_of(st.just(0.0), euro)),
                "vermoegen": draw(st.one_of(st.just(0.0), euro)),
                "minderung_prozent": draw(st.sampled_from([0, 10, 30])) if mit_minderung else 0,
                "anspruchstage": draw(st.sampled_from([30, 30, 15])),
                "schwanger_ab_13_woche": draw(st.booleans()),
            }
        )
    for k in range(kinder):
        personen.append(
            {
                **gemeinsam,
                "p_id": p_start + 2 + k,
                "alter": draw(st.integers(0, 24)),
                "p_id_elternteil_1": p_start,
                "p_id_elternteil_2": p_start + 1 if paar else -1,
                "p_id_kindergeld_empfaenger": p_start,
                "unterhalt_m": draw(st.one_of(st.just(0.0), euro)),
                "schueler_student_azubi": draw(st.booleans()),
                "brutto_erwerb_m": 0.0,
                "netto_erwerb_m": 0.0,
            }
        )
    return personen


@st.composite
def batch(draw):
    haushalte = draw(st.integers(1, 4))
    return [p for h in range(haushalte) for p in draw(haushalt(hh_id=h + 1, p_start=100 * (h + 1)))]


def _cent(x: float) -> int:
    return round(x * 100)


@given(personen=batch(), stichtag=STICHTAGE)
def test_person_shares_sum_to_the_bg_amount_and_nothing_is_negative(personen, stichtag):
    ergebnis = compute(personen, stichtag)
    geld = [c for c in ergebnis.bg.columns if c.endswith("_m") or c.endswith("_bg")]
    assert all(ergebnis.bg.get_column(c).min() >= 0 for c in geld)
    assert all(ergebnis.person.get_column(c).min() >= 0 for c in ergebnis.person.columns if c.endswith("_m"))
    for spalte in ("zahlbetrag_m", "leistungsanspruch_m", "minderung_m", "kdu_anerkannt_m"):
        summe = ergebnis.person.filter(pl.col("bg_mitglied")).group_by("bg_id").agg(pl.col(spalte).sum())
        nach_bg = dict(zip(summe["bg_id"].to_list(), summe[spalte].to_list(), strict=True))
        for zeile in ergebnis.bg.iter_rows(named=True):
            assert _cent(nach_bg.get(zeile["bg_id"], 0.0)) == _cent(zeile[spalte])
    # What is paid is the claim less the Minderung, per BG.
    for zeile in ergebnis.bg.iter_rows(named=True):
        assert _cent(zeile["zahlbetrag_m"]) == _cent(zeile["leistungsanspruch_m"]) - _cent(
            zeile["minderung_m"]
        )
    # Kopfteil: all persons' housing shares add up exactly to the household amount (members or not).
    werte = compute(personen, stichtag, behalte_werte=True).werte
    anteile = np.bincount(werte["hh_idx"], weights=werte["kdu_anerkannt_m"], minlength=werte["anzahl_hh"])
    assert anteile.astype(np.int64).tolist() == werte["kdu_anerkannt_m_hh"].tolist()


@given(personen=haushalt(mit_minderung=False), stichtag=STICHTAGE, mehr=euro.filter(bool))
def test_more_earnings_never_raise_the_zahlbetrag(personen, stichtag, mehr):
    vorher = compute(personen, stichtag).bg.get_column("zahlbetrag_m")[0]
    mehr_verdient = [dict(p) for p in personen]
    mehr_verdient[0]["brutto_erwerb_m"] = round(mehr_verdient[0]["brutto_erwerb_m"] + mehr, 2)
    mehr_verdient[0]["netto_erwerb_m"] = round(mehr_verdient[0]["netto_erwerb_m"] + mehr, 2)
    nachher = compute(mehr_verdient, stichtag).bg.get_column("zahlbetrag_m")[0]
    assert _cent(nachher) <= _cent(vorher)


@given(personen=haushalt(mit_minderung=False), stichtag=STICHTAGE, prozent=st.sampled_from([10, 20, 30]))
def test_a_minderung_never_raises_the_zahlbetrag(personen, stichtag, prozent):
    vorher = compute(personen, stichtag)
    gemindert = [dict(p) for p in personen]
    gemindert[0]["minderung_prozent"] = prozent
    nachher = compute(gemindert, stichtag)
    assert _cent(nachher.bg["zahlbetrag_m"][0]) <= _cent(vorher.bg["zahlbetrag_m"][0])
    assert _cent(nachher.bg["leistungsanspruch_m"][0]) == _cent(vorher.bg["leistungsanspruch_m"][0])


@given(personen=batch(), stichtag=STICHTAGE, data=st.data())
def test_results_do_not_depend_on_row_order_or_batching(personen, stichtag, data):
    gesamt = compute(personen, stichtag)
    gemischt = data.draw(st.permutations(personen))
    assert compute(gemischt, stichtag).person.equals(gesamt.person)
    assert compute(gemischt, stichtag).bg.equals(gesamt.bg)
    for bg_id in {p["bg_id"] for p in personen}:
        allein = compute([p for p in personen if p["bg_id"] == bg_id], stichtag)
        assert allein.bg.equals(gesamt.bg.filter(pl.col("bg_id") == bg_id))
        assert allein.person.equals(gesamt.person.filter(pl.col("bg_id") == bg_id))
