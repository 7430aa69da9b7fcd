"""Deterministic synthetic population of BGs in the input format of CONTRACT §2 (CONTRACT §8).

`population(n_bgs, seed=...)` returns the same rows on every machine (NumPy PCG64 with a fixed
seed; every draw is vectorised and happens in a fixed order). One household per BG. Shares follow
CONTRACT §8: singles 45 %, couples 10 %, single parents 20 %, couples with children 25 %; about
2.13 persons per BG; adults 18–64, 70 % without earnings, 12 % minijob, 18 % a job of 600–2 600 €
gross; some teenagers with small earnings; Unterhalt or UVG for part of the single parents'
children; assets mostly small; 60 % of the BGs beyond the Karenzzeit; rent and heating from the
living space. No local limits, partial months, other Mehrbedarfe or sanctions.
"""

from __future__ import annotations

import numpy as np
import polars as pl

STANDARD_SEED = 20260101
#: BG types: single, couple, single parent, couple with children.
TYP_ANTEILE = np.array([0.45, 0.10, 0.20, 0.25])
KINDER_ANTEILE = np.array([0.45, 0.38, 0.14, 0.03])  # 1..4 children in a family


def population(n_bgs: int, seed: int = STANDARD_SEED) -> pl.DataFrame:
    """Return persons of `n_bgs` BGs (one household each), sorted by bg_id and p_id."""
    rng = np.random.Generator(np.random.PCG64(seed))
    typ = rng.choice(4, size=n_bgs, p=TYP_ANTEILE)
    erwachsene = np.where((typ == 1) | (typ == 3), 2, 1)
    kinder = np.where(typ >= 2, rng.choice(4, size=n_bgs, p=KINDER_ANTEILE) + 1, 0)
    groesse = erwachsene + kinder
    n = int(groesse.sum())
    bg = np.repeat(np.arange(n_bgs), groesse)
    start = np.cumsum(groesse) - groesse
    position = np.arange(n) - start[bg]
    ist_erwachsen = position < erwachsene[bg]
    ist_kind = ~ist_erwachsen
    p_id = np.arange(1, n + 1, dtype=np.int64)
    erster = start[bg] + 1  # p_id of the first adult
    paar = erwachsene[bg] == 2

    alter = np.where(ist_erwachsen, rng.integers(18, 65, size=n), rng.integers(0, 18, size=n))
    # A few percent of the families have a first child of 18–20 still at school (with Kindergeld).
    erstes_kind = ist_kind & (position == erwachsene[bg])
    aelter = erstes_kind & (rng.random(n) < 0.04)
    alter = np.where(aelter, rng.integers(18, 21, size=n), alter)
    # Parents are at least 18 years older than their oldest child (and at most 64).
    aeltestes_kind = np.maximum.reduceat(np.where(ist_kind, alter, -18), start)
    alter = np.where(ist_erwachsen, np.maximum(alter, np.minimum(aeltestes_kind[bg] + 18, 64)), alter)

    partner = np.where(ist_erwachsen & paar, np.where(position == 0, erster + 1, erster), -1)
    elternteil_1 = np.where(ist_kind, erster, -1)
    elternteil_2 = np.where(ist_kind & paar, erster + 1, -1)
    kindergeld_empfaenger = np.where(ist_kind, erster, -1)
    alleinerziehend = ist_erwachsen & (typ[bg] == 2)
    schueler = aelter.copy()

    art = rng.random(n)
    minijob = ist_erwachsen & (art >= 0.70) & (art < 0.82)
    job = ist_erwachsen & (art >= 0.82)
    teen = ist_kind & (alter >= 15) & (rng.random(n) < 0.05)
    brutto = np.where(minijob, rng.uniform(100, 538, size=n), 0.0)
    brutto = np.where(job, rng.uniform(600, 2600, size=n), brutto)
    brutto = np.where(teen, rng.uniform(50, 450, size=n), brutto)
    brutto = np.round(brutto, 2)
    netto = np.where(job, np.round(brutto * rng.uniform(0.65, 0.80, size=n), 2), brutto)

    unterhalt_kind = ist_kind & (typ[bg] == 2) & (alter < 18)
    zahlung = rng.random(n)
    uvg = np.where(
        unterhalt_kind & (zahlung < 0.35), np.where(alter < 6, 227.0, np.where(alter < 12, 299.0, 394.0)), 0.0
    )
    unterhalt = np.where(
        unterhalt_kind & (zahlung >= 0.35) & (zahlung < 0.55), np.round(rng.uniform(150, 450, size=n), 2), 0.0
    )

    vermoegen = np.round(rng.exponential(1500.0, size=n), 2)
    vermoegen = np.where(rng.random(n) < 0.03, np.round(rng.uniform(20000, 80000, size=n), 2), vermoegen)
    vermoegen = np.where(ist_kind, 0.0, vermoegen)

    karenz_bg = rng.random(n_bgs) < 0.60
    flaeche = 35.0 + 15.0 * (groesse - 1) + rng.uniform(-5, 10, size=n_bgs)
    miete = np.round(flaeche * rng.uniform(6.5, 13.5, size=n_bgs), 2)
    heizung = np.round(flaeche * rng.uniform(0.9, 1.8, size=n_bgs), 2)

    return pl.DataFrame(
        {
            "bg_id": (bg + 1).astype(np.int64),
            "hh_id": (bg + 1).astype(np.int64),
            "p_id": p_id,
            "alter": alter.astype(np.int64),
            "p_id_partner": partner.astype(np.int64),
            "p_id_elternteil_1": elternteil_1.astype(np.int64),
            "p_id_elternteil_2": elternteil_2.astype(np.int64),
            "alleinerziehend": alleinerziehend,
            "p_id_kindergeld_empfaenger": kindergeld_empfaenger.astype(np.int64),
            "brutto_erwerb_m": brutto,
            "netto_erwerb_m": netto,
            "schueler_student_azubi": schueler,
            "unterhalt_m": unterhalt,
            "unterhaltsvorschuss_m": uvg,
            "vermoegen": vermoegen,
            "kaltmiete_m_hh": miete[bg],
            "heizkosten_m_hh": heizung[bg],
            "karenzzeit_abgelaufen": karenz_bg[bg],
        }
    )
