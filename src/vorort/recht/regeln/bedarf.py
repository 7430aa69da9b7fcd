"""Needs per person: Regelbedarf (§§ 20, 23 SGB II), Sofortzuschlag (§ 72) and Mehrbedarfe (§ 21)."""

from __future__ import annotations

import numpy as np

from ..geld import CENT_HALF_UP, cent, promille
from .gruppen import anzahl_wahr, nachschlagen
from .registry import rule


@rule(
    reference="§ 7 Abs. 3 Nr. 4 SGB II",
    formula="Kind der BG: ein Elternteil gehört zur selben BG, unter 25 Jahre, kein Partner in der BG",
    einheit="bool",
    ebene="person",
)
def kind_der_bg(
    alter: np.ndarray,
    bg_idx: np.ndarray,
    partner_idx: np.ndarray,
    elternteil_1_idx: np.ndarray,
    elternteil_2_idx: np.ndarray,
) -> np.ndarray:
    eltern_in_bg = (nachschlagen(elternteil_1_idx, bg_idx, -1) == bg_idx) | (
        nachschlagen(elternteil_2_idx, bg_idx, -1) == bg_idx
    )
    return eltern_in_bg & (alter < 25) & (partner_idx < 0)


@rule(
    reference="§ 20 Abs. 2 bis 4, § 23 Nr. 1 SGB II",
    formula=(
        "0–5 Jahre: Stufe 6; 6–13: Stufe 5; 14–17: Stufe 4; Erwachsene mit volljährigem Partner: Stufe 2; "
        "mit minderjährigem Partner: Stufe 1; Kind der BG von 18–24 Jahren: Stufe 3; sonst Stufe 1"
    ),
    einheit="int",
)
def regelbedarfsstufe(alter: np.ndarray, partner_idx: np.ndarray, kind_der_bg: np.ndarray) -> np.ndarray:
    partner_alter = nachschlagen(partner_idx, alter, -1)
    # Minors by age (0–5: 6, 6–13: 5, 14–17: 4) from a table; adults: 1, +1 with an adult partner,
    # +2 as a child of the BG without a partner (then partner_alter is -1).
    minderjaehrig = _STUFE_NACH_ALTER.take(np.minimum(alter, 18))
    erwachsen = (partner_alter >= 18).astype(np.int8)
    erwachsen += 1
    erwachsen += (kind_der_bg & (partner_alter < 0)).view(np.int8) * np.int8(2)
    erwachsen *= alter >= 18
    erwachsen += minderjaehrig
    return erwachsen


_STUFE_NACH_ALTER = np.array([6] * 6 + [5] * 8 + [4] * 4 + [0], dtype=np.int8)


def _regelbedarf_tabelle(regelbedarf) -> np.ndarray:
    return np.array([0] + [cent(regelbedarf[f"rbs_{i}"]) for i in range(1, 7)], dtype=np.int64)


@rule(
    reference="§ 20 Abs. 1a und 2 SGB II i. V. m. Anlage zu § 28 SGB XII",
    formula="Regelbedarf der Regelbedarfsstufe der Person",
)
def regelbedarf_m(regelbedarfsstufe: np.ndarray, regelbedarf) -> np.ndarray:
    return _regelbedarf_tabelle(regelbedarf)[regelbedarfsstufe]


@rule(reference="§ 72 SGB II", formula="Sofortzuschlag für Personen der Regelbedarfsstufen 3 bis 6")
def kindersofortzuschlag_m(regelbedarfsstufe: np.ndarray, kindersofortzuschlag) -> np.ndarray:
    return (regelbedarfsstufe >= 3) * np.int64(cent(kindersofortzuschlag.wert))


@rule(
    reference="§ 21 Abs. 2 SGB II",
    formula="17 % des eigenen Regelbedarfs bei Schwangerschaft ab der 13. Woche",
    rounding=CENT_HALF_UP,
)
def mehrbedarf_schwangerschaft_m(
    regelbedarf_m: np.ndarray, schwanger_ab_13_woche: np.ndarray, mehrbedarf_anteile
) -> np.ndarray:
    return promille(regelbedarf_m, mehrbedarf_anteile.schwangerschaft_promille) * schwanger_ab_13_woche


@rule(
    reference="§ 21 Abs. 3 SGB II",
    formula=(
        "Minderjährige Kinder der Person im Haushalt: Anzahl, davon unter 7 und unter 16 Jahren "
        "(Mitglieder der BG oder nicht)"
    ),
    einheit="int",
)
def kinder_alleinerziehend(
    alter: np.ndarray,
    hh_idx: np.ndarray,
    elternteil_1_idx: np.ndarray,
    elternteil_2_idx: np.ndarray,
    mehrbedarf_anteile,
) -> np.ndarray:
    """Return a (3, n) array: minors with this person as parent in the household, of them < 7, < 16."""
    n = len(alter)
    ergebnis = np.zeros((3, n), dtype=np.int64)
    grenzen = (
        18,
        mehrbedarf_anteile.alleinerziehend_alter_unter_pauschal_ein_kind,
        mehrbedarf_anteile.alleinerziehend_alter_unter_pauschal_zwei_drei_kinder,
    )
    for eltern_idx in (elternteil_1_idx, elternteil_2_idx):
        kinder = (nachschlagen(eltern_idx, hh_idx, -1) == hh_idx) & (alter < max(grenzen))
        eltern, kinder_alter = eltern_idx[kinder], alter[kinder]
        for zeile, grenze in enumerate(grenzen):
            ergebnis[zeile] += np.bincount(eltern[kinder_alter < grenze], minlength=n)
    return ergebnis


@rule(
    reference="§ 21 Abs. 3 Nr. 1 und 2 SGB II",
    formula=(
        "36 % der Regelbedarfsstufe 1 bei einem Kind unter 7 oder zwei bis drei Kindern unter 16, "
        "sonst 0 %; höher davon 12 % je Kind, höchstens 60 %"
    ),
    rounding=CENT_HALF_UP,
)
def mehrbedarf_alleinerziehend_m(
    alleinerziehend: np.ndarray, kinder_alleinerziehend: np.ndarray, regelbedarf, mehrbedarf_anteile
) -> np.ndarray:
    a = mehrbedarf_anteile
    anzahl, unter_7, unter_16 = kinder_alleinerziehend
    pauschal = np.where(
        (unter_7 >= 1) | ((unter_16 >= 2) & (unter_16 <= 3)), a.alleinerziehend_pauschal_promille, 0
    )
    satz = np.minimum(
        np.maximum(pauschal, a.alleinerziehend_je_kind_promille * anzahl), a.alleinerziehend_hoechst_promille
    )
    return promille(cent(regelbedarf.rbs_1), satz) * (alleinerziehend & (anzahl > 0))


@rule(
    reference="§ 21 Abs. 4 SGB II",
    formula="35 % des eigenen Regelbedarfs bei Teilhabeleistungen nach § 21 Abs. 4",
    rounding=CENT_HALF_UP,
)
def mehrbedarf_behinderung_m(
    regelbedarf_m: np.ndarray, mehrbedarf_behinderung: np.ndarray, mehrbedarf_anteile
) -> np.ndarray:
    return promille(regelbedarf_m, mehrbedarf_anteile.behinderung_promille) * mehrbedarf_behinderung


@rule(
    reference="§ 21 Abs. 5 SGB II", formula="vom Jobcenter anerkannter Betrag für kostenaufwändige Ernährung"
)
def mehrbedarf_ernaehrung_m(mehrbedarf_ernaehrung_eingabe_m: np.ndarray) -> np.ndarray:
    return mehrbedarf_ernaehrung_eingabe_m


@rule(reference="§ 21 Abs. 6 SGB II", formula="anerkannter laufender unabweisbarer besonderer Bedarf")
def mehrbedarf_unabweisbar_m(mehrbedarf_unabweisbar_eingabe_m: np.ndarray) -> np.ndarray:
    return mehrbedarf_unabweisbar_eingabe_m


@rule(
    reference="§ 21 Abs. 7 SGB II",
    formula=(
        "dezentrale Warmwassererzeugung: 2,3 % (Stufen 1–3), 1,4 "
        "% (4), 1,2 % (5), 0,8 % (6) des eigenen Regelbedarfs"
    ),
    rounding=CENT_HALF_UP,
)
def mehrbedarf_warmwasser_m(
    regelbedarf_m: np.ndarray,
    regelbedarfsstufe: np.ndarray,
    warmwasser_dezentral_hh: np.ndarray,
    hh_idx: np.ndarray,
    mehrbedarf_anteile,
) -> np.ndarray:
    saetze = np.array(
        [0] + [mehrbedarf_anteile[f"warmwasser_rbs_{i}_promille"] for i in range(1, 7)], dtype=np.int64
    )
    return promille(regelbedarf_m, saetze.take(regelbedarfsstufe)) * warmwasser_dezentral_hh.take(hh_idx)


@rule(
    reference="§ 21 Abs. 8 SGB II",
    formula=(
        "Summe der Mehrbedarfe nach Abs. 2 bis 5, höchstens der eigene Regelbedarf; "
        "danach die Mehrbedarfe nach Abs. 6 und 7"
    ),
)
def mehrbedarf_gesamt_m(
    regelbedarf_m: np.ndarray,
    mehrbedarf_schwangerschaft_m: np.ndarray,
    mehrbedarf_alleinerziehend_m: np.ndarray,
    mehrbedarf_behinderung_m: np.ndarray,
    mehrbedarf_ernaehrung_m: np.ndarray,
    mehrbedarf_unabweisbar_m: np.ndarray,
    mehrbedarf_warmwasser_m: np.ndarray,
) -> np.ndarray:
    gedeckelt = np.minimum(
        mehrbedarf_schwangerschaft_m
        + mehrbedarf_alleinerziehend_m
        + mehrbedarf_behinderung_m
        + mehrbedarf_ernaehrung_m,
        regelbedarf_m,
    )
    return gedeckelt + mehrbedarf_unabweisbar_m + mehrbedarf_warmwasser_m


@rule(
    reference="§ 19 Abs. 1 S. 3 SGB II",
    formula=(
        "Regelbedarf + Kindersofortzuschlag + Mehrbedarfe "
        "(gedeckelt) + anerkannter Kopfteil Unterkunft und Heizung"
    ),
)
def gesamtbedarf_m(
    regelbedarf_m: np.ndarray,
    kindersofortzuschlag_m: np.ndarray,
    mehrbedarf_gesamt_m: np.ndarray,
    kdu_anerkannt_m: np.ndarray,
) -> np.ndarray:
    return regelbedarf_m + kindersofortzuschlag_m + mehrbedarf_gesamt_m + kdu_anerkannt_m


@rule(
    reference="§ 41 Abs. 1 S. 1 bis 3 SGB II",
    formula="Gesamtbedarf × Anspruchstage / 30 (voller Monat: Gesamtbedarf)",
    rounding=CENT_HALF_UP,
)
def bedarf_anteilig_m(gesamtbedarf_m: np.ndarray, anspruchstage: np.ndarray) -> np.ndarray:
    # For t = 30 the formula gives (60 g + 30) // 60 = g exactly, so no case distinction is needed.
    tage = anspruchstage.astype(np.int64)
    return (gesamtbedarf_m * tage * 2 + 30) // 60


@rule(
    reference="§ 11b Abs. 3 S. 3 SGB II",
    formula=(
        "Person lebt in einer BG mit einem minderjährigen "
        "Kind oder ist Elternteil eines minderjährigen Kindes"
    ),
    einheit="bool",
)
def minderjaehriges_kind_vorhanden(
    alter: np.ndarray,
    bg_idx: np.ndarray,
    anzahl_bg: int,
    elternteil_1_idx: np.ndarray,
    elternteil_2_idx: np.ndarray,
) -> np.ndarray:
    ergebnis = anzahl_wahr(bg_idx, alter < 18, anzahl_bg)[bg_idx] > 0
    for eltern_idx in (elternteil_1_idx, elternteil_2_idx):
        ergebnis[eltern_idx[(eltern_idx >= 0) & (alter < 18)]] = True
    return ergebnis
