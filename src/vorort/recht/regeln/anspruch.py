"""Assets (§ 12), distribution over the BG (§ 9 Abs. 2 S. 3), Minderung and payment (§§ 31a, 32, 41 SGB II).

BG (`_bg`) arrays have one entry per BG; sums run over the members only (§ 7 Abs. 3 Nr. 4 SGB II).
"""

from __future__ import annotations

import numpy as np

from ..geld import CENT_HALF_UP, cent, runde_bruch
from .gruppen import anzahl_wahr, summe
from .registry import rule


@rule(reference="§ 7 Abs. 3 SGB II", formula="Zahl der Mitglieder der BG", einheit="int")
def anzahl_mitglieder_bg(bg_idx: np.ndarray, bg_mitglied: np.ndarray, anzahl_bg: int) -> np.ndarray:
    return anzahl_wahr(bg_idx, bg_mitglied, anzahl_bg)


@rule(reference="§ 12 Abs. 1 SGB II", formula="Summe des verwertbaren Vermögens der Mitglieder")
def vermoegen_bg(
    bg_idx: np.ndarray, bg_mitglied: np.ndarray, vermoegen: np.ndarray, anzahl_bg: int
) -> np.ndarray:
    return summe(bg_idx, vermoegen * bg_mitglied, anzahl_bg)


@rule(
    gueltig_bis="2026-06-30",
    reference="§ 12 Abs. 3 S. 1 SGB II (Karenzzeit) / § 12 Abs. 2 S. 1 SGB II",
    formula=(
        "in der Karenzzeit 40 000 € für das erste und 15 000 € für jedes weitere Mitglied, "
        "danach 15 000 € je Mitglied; ungenutzte Freibeträge gelten für die ganze BG"
    ),
    fundstellen=(
        "karenzzeit_abgelaufen_hh",
        {
            False: "§ 12 Abs. 3 S. 1 SGB II (Karenzzeit)",
            True: "§ 12 Abs. 2 S. 1 SGB II (nach der Karenzzeit)",
        },
    ),
)
def vermoegensfreibetrag_bg(
    anzahl_mitglieder_bg: np.ndarray,
    karenzzeit_abgelaufen_hh: np.ndarray,
    hh_der_bg: np.ndarray,
    vermoegensfreibetrag,
) -> np.ndarray:
    p = vermoegensfreibetrag
    karenz = cent(p.karenzzeit_erste_person) + cent(p.karenzzeit_weitere_person) * np.maximum(
        anzahl_mitglieder_bg - 1, 0
    )
    karenz = np.where(anzahl_mitglieder_bg > 0, karenz, 0)
    return np.where(
        karenzzeit_abgelaufen_hh[hh_der_bg], cent(p.nach_karenzzeit_je_person) * anzahl_mitglieder_bg, karenz
    )


@rule(
    gueltig_ab="2026-07-01",
    reference="§ 12 Abs. 2 SGB II idF 13. SGB II-ÄndG",
    formula=(
        "je Mitglied nach Lebensalter: bis 20 Jahre 5 000 €, 21–40 10 000 €, 41–50 12 500 €, ab 51 15 000 €"
    ),
)
def vermoegensfreibetrag_bg(  # noqa: F811 - a new dated version of the same rule
    alter: np.ndarray, bg_idx: np.ndarray, bg_mitglied: np.ndarray, anzahl_bg: int, vermoegensfreibetrag
) -> np.ndarray:
    stufen = vermoegensfreibetrag.stufen
    grenzen = np.array([s["bis_alter"] for s in stufen])
    betraege = np.array([cent(s["betrag"]) for s in stufen], dtype=np.int64)
    je_person = betraege[np.minimum(np.searchsorted(grenzen, alter, side="left"), len(stufen) - 1)]
    return summe(bg_idx, je_person * bg_mitglied, anzahl_bg)


@rule(
    reference="§ 9 Abs. 1, § 12 SGB II",
    formula="Vermögen der BG größer als der Freibetrag (dann kein Anspruch)",
    einheit="bool",
)
def vermoegen_ueber_freibetrag_bg(
    vermoegen_bg: np.ndarray, vermoegensfreibetrag_bg: np.ndarray
) -> np.ndarray:
    return vermoegen_bg > vermoegensfreibetrag_bg


@rule(
    reference="§ 9 Abs. 2 S. 2 und 3 SGB II",
    formula="Kind der BG: anteiliger Bedarf − eigenes Einkommen; übrige Mitglieder: anteiliger Bedarf",
)
def ungedeckter_bedarf_m(
    bg_mitglied: np.ndarray,
    kind_der_bg: np.ndarray,
    bedarf_anteilig_m: np.ndarray,
    einkommen_bereinigt_m: np.ndarray,
) -> np.ndarray:
    # Masks as 0/1 factors (exact in integers): members only; a child's own income reduces its need.
    return (bedarf_anteilig_m - einkommen_bereinigt_m * kind_der_bg) * bg_mitglied


@rule(reference="§ 9 Abs. 2 S. 2 SGB II", formula="R = Summe der ungedeckten Bedarfe der Mitglieder")
def ungedeckter_bedarf_m_bg(
    bg_idx: np.ndarray, ungedeckter_bedarf_m: np.ndarray, anzahl_bg: int
) -> np.ndarray:
    return summe(bg_idx, ungedeckter_bedarf_m, anzahl_bg)


@rule(
    reference="§ 9 Abs. 2 S. 1 und 3 SGB II",
    formula="E_pool = Summe der Einkommen der Mitglieder, die nicht Kind der BG sind",
)
def einkommen_pool_m_bg(
    bg_idx: np.ndarray,
    bg_mitglied: np.ndarray,
    kind_der_bg: np.ndarray,
    einkommen_bereinigt_m: np.ndarray,
    anzahl_bg: int,
) -> np.ndarray:
    return summe(bg_idx, einkommen_bereinigt_m * (bg_mitglied & ~kind_der_bg), anzahl_bg)


@rule(reference="§ 9 Abs. 2 S. 3 SGB II", formula="Bedarfsanteil = ungedeckter Bedarf / R", einheit="ratio")
def bedarfsanteil(
    ungedeckter_bedarf_m: np.ndarray, ungedeckter_bedarf_m_bg: np.ndarray, bg_idx: np.ndarray
) -> np.ndarray:
    r = ungedeckter_bedarf_m_bg[bg_idx]
    return np.round(np.where(r > 0, ungedeckter_bedarf_m / np.maximum(r, 1), 0.0), 6)


@rule(
    reference="§ 9 Abs. 2 S. 3, § 41 Abs. 1 SGB II",
    formula=(
        "ungedeckter Bedarf × (R − E_pool) / R; 0, wenn E_pool "
        "≥ R oder das Vermögen den Freibetrag übersteigt"
    ),
    rounding=CENT_HALF_UP,
)
def anspruch_m(
    ungedeckter_bedarf_m: np.ndarray,
    ungedeckter_bedarf_m_bg: np.ndarray,
    einkommen_pool_m_bg: np.ndarray,
    vermoegen_ueber_freibetrag_bg: np.ndarray,
    bg_idx: np.ndarray,
) -> np.ndarray:
    r = ungedeckter_bedarf_m_bg.take(bg_idx)
    rest = r - einkommen_pool_m_bg.take(bg_idx)
    anspruch = runde_bruch(ungedeckter_bedarf_m * np.maximum(rest, 0), np.maximum(r, 1))
    return anspruch * ((rest > 0) & ~vermoegen_ueber_freibetrag_bg.take(bg_idx))


@rule(
    gueltig_bis="2026-06-30",
    reference="§ 32 SGB II (kein Wegfall wegen Nichterreichbarkeit vor 01.07.2026)",
    formula="kein Wegfall",
)
def wegfall_m(anspruch_m: np.ndarray, nicht_erreichbar: np.ndarray) -> np.ndarray:
    return np.zeros_like(anspruch_m)


@rule(
    gueltig_ab="2026-07-01",
    reference="§§ 7b, 32 SGB II idF 13. SGB II-ÄndG",
    formula=(
        "gilt die Person als nicht erreichbar, entfällt ihr "
        "ganzer Anspruch einschließlich Unterkunft und Heizung"
    ),
)
def wegfall_m(anspruch_m: np.ndarray, nicht_erreichbar: np.ndarray, nichterreichbarkeit) -> np.ndarray:  # noqa: F811
    return anspruch_m * (nicht_erreichbar & bool(nichterreichbarkeit.anwendbar))


@rule(reference="§ 9 Abs. 2 S. 3, § 41 Abs. 1 SGB II", formula="Anspruch − Wegfall wegen Nichterreichbarkeit")
def leistungsanspruch_m(anspruch_m: np.ndarray, wegfall_m: np.ndarray) -> np.ndarray:
    return anspruch_m - wegfall_m


@rule(
    reference="§§ 31a, 32 SGB II; § 31a Abs. 7 SGB II bei 100 %",
    formula=(
        "Minderungssatz × eigener Regelbedarf (bei Teilmonat × "
        "Anspruchstage / 30), höchstens der Leistungsanspruch"
    ),
    rounding=CENT_HALF_UP,
)
def minderung_m(
    minderung_prozent: np.ndarray,
    regelbedarf_m: np.ndarray,
    anspruchstage: np.ndarray,
    leistungsanspruch_m: np.ndarray,
) -> np.ndarray:
    monat = runde_bruch(regelbedarf_m * minderung_prozent.astype(np.int64), 100)
    tage = anspruchstage.astype(np.int64)
    # For t = 30, round(monat × 30 / 30) is monat exactly, so no case distinction is needed.
    anteilig = runde_bruch(monat * tage, 30)
    return np.minimum(anteilig, leistungsanspruch_m)


@rule(reference="§ 41 Abs. 2 SGB II", formula="Leistungsanspruch − Minderung")
def zahlbetrag_m(leistungsanspruch_m: np.ndarray, minderung_m: np.ndarray) -> np.ndarray:
    return leistungsanspruch_m - minderung_m
