"""Income per person (§§ 11, 11b SGB II): earned income and its allowances, other income.

Kindergeld and the 30 € Pauschale, which depend on the need, are in `kindergeld.py`.
"""

from __future__ import annotations

import numpy as np

from ..geld import CENT_HALF_UP, cent
from .registry import rule


@rule(
    reference="§ 11 Abs. 1 SGB II, § 3 Bürgergeld-V",
    formula="Bruttolohn + Gewinn aus selbständiger Tätigkeit",
)
def erwerbseinkommen_brutto_m(brutto_erwerb_m: np.ndarray, gewinn_selbststaendig_m: np.ndarray) -> np.ndarray:
    return brutto_erwerb_m + gewinn_selbststaendig_m


@rule(
    reference="§ 11b Abs. 1 S. 1 Nr. 1 und 2 SGB II",
    formula="Nettolohn + Gewinn aus selbständiger Tätigkeit − Steuern und Pflichtbeiträge darauf",
)
def erwerbseinkommen_netto_m(
    netto_erwerb_m: np.ndarray, gewinn_selbststaendig_m: np.ndarray, steuern_selbststaendig_m: np.ndarray
) -> np.ndarray:
    return netto_erwerb_m + gewinn_selbststaendig_m - steuern_selbststaendig_m


@rule(
    gueltig_bis="2023-06-30",
    reference="§ 11b Abs. 2b SGB II (erst ab 01.07.2023)",
    formula="Freibetrag für Schüler, Studierende und Auszubildende gilt noch nicht",
    einheit="bool",
)
def freibetrag_schueler_anwendbar(alter: np.ndarray, schueler_student_azubi: np.ndarray) -> np.ndarray:
    return np.zeros(len(alter), dtype=bool)


@rule(
    gueltig_ab="2023-07-01",
    reference="§ 11b Abs. 2b SGB II",
    formula="Schüler, Studierende, Auszubildende oder Freiwilligendienstleistende unter 25 Jahren",
    einheit="bool",
)
def freibetrag_schueler_anwendbar(  # noqa: F811 - a new dated version of the same rule
    alter: np.ndarray, schueler_student_azubi: np.ndarray, freibetrag_schueler_azubi
) -> np.ndarray:
    return schueler_student_azubi & (alter < freibetrag_schueler_azubi.altersgrenze)


@rule(
    reference="§ 11b Abs. 2 S. 1 bis 3, Abs. 2b SGB II",
    formula=(
        "min(Brutto, 100 €); über 400 € Brutto höhere nachgewiesene Absetzbeträge statt 100 €; "
        "nach Abs. 2b: min(Brutto, Geringfügigkeitsgrenze)"
    ),
    rounding=CENT_HALF_UP,
)
def grundfreibetrag_m(
    erwerbseinkommen_brutto_m: np.ndarray,
    absetzbetraege_erwerb_m: np.ndarray,
    freibetrag_schueler_anwendbar: np.ndarray,
    grundfreibetrag,
    geringfuegigkeitsgrenze,
) -> np.ndarray:
    brutto = erwerbseinkommen_brutto_m
    grund = cent(grundfreibetrag.betrag)
    # § 11b Abs. 2 S. 2 SGB II: above 400 € gross, higher proven costs replace the flat 100 €.
    nachweis = (brutto > cent(grundfreibetrag.schwelle_nachweis)) & (absetzbetraege_erwerb_m > grund)
    # Case distinctions as 0/1 factors (exact in integers): a + (b − a) × mask.
    normal = np.minimum(brutto, grund)
    normal += (absetzbetraege_erwerb_m - normal) * nachweis
    normal += (
        np.minimum(brutto, cent(geringfuegigkeitsgrenze.wert)) - normal
    ) * freibetrag_schueler_anwendbar
    return normal


@rule(
    reference="§ 11b Abs. 3 S. 3 SGB II",
    formula="Obergrenze der letzten Stufe: 1 500 € mit minderjährigem Kind, sonst 1 200 €",
)
def erwerbstaetigenfreibetrag_obergrenze_m(
    minderjaehriges_kind_vorhanden: np.ndarray, erwerbstaetigenfreibetrag
) -> np.ndarray:
    ohne = cent(erwerbstaetigenfreibetrag.obergrenze_ohne_kind)
    mit = cent(erwerbstaetigenfreibetrag.obergrenze_mit_kind)
    return minderjaehriges_kind_vorhanden * np.int64(mit - ohne) + np.int64(ohne)


@rule(
    reference="§ 11b Abs. 3 SGB II (Abs. 2b S. 2 für Schüler und Auszubildende)",
    formula=(
        "Prozentanteile des Bruttos je Stufe (ab 01.07.2023: 20 % von 100–520 €, 30 % von 520–1 000 €, "
        "10 % von 1 000 € bis zur Obergrenze; nach Abs. 2b beginnt "
        "die 30-%-Stufe bei max(Geringfügigkeitsgrenze, 520 €))"
    ),
    rounding=CENT_HALF_UP,
)
def erwerbstaetigenfreibetrag_m(
    erwerbseinkommen_brutto_m: np.ndarray,
    erwerbstaetigenfreibetrag_obergrenze_m: np.ndarray,
    freibetrag_schueler_anwendbar: np.ndarray,
    erwerbstaetigenfreibetrag,
    geringfuegigkeitsgrenze,
    freibetrag_schueler_azubi,
) -> np.ndarray:
    stufen = erwerbstaetigenfreibetrag.stufen
    untergrenzen = [cent(s["ab"]) for s in stufen]
    saetze = [s["promille"] for s in stufen]
    brutto = np.minimum(erwerbseinkommen_brutto_m, erwerbstaetigenfreibetrag_obergrenze_m)
    # § 11b Abs. 2b S. 2 SGB II: the bands start above the exempt Geringfügigkeitsgrenze.
    start_2b = max(cent(geringfuegigkeitsgrenze.wert), cent(freibetrag_schueler_azubi.stufe_30_ab))
    summe_promille = np.zeros(len(brutto), dtype=np.int64)
    for i, (unten, satz) in enumerate(zip(untergrenzen, saetze, strict=True)):
        oben = untergrenzen[i + 1] if i + 1 < len(untergrenzen) else None
        unten_person = freibetrag_schueler_anwendbar * np.int64(max(unten, start_2b) - unten) + np.int64(
            unten
        )
        deckel = brutto if oben is None else np.minimum(brutto, oben)
        summe_promille += np.maximum(deckel - unten_person, 0) * satz
    return (summe_promille * 2 + 1000) // 2000


@rule(reference="§ 11b Abs. 2, 2b und 3 SGB II", formula="Grundfreibetrag + Erwerbstätigenfreibetrag")
def freibetrag_erwerb_m(grundfreibetrag_m: np.ndarray, erwerbstaetigenfreibetrag_m: np.ndarray) -> np.ndarray:
    return grundfreibetrag_m + erwerbstaetigenfreibetrag_m


@rule(reference="§ 11b Abs. 1 SGB II", formula="max(0, Netto-Erwerbseinkommen − Freibeträge)")
def erwerbseinkommen_anrechenbar_m(
    erwerbseinkommen_netto_m: np.ndarray, freibetrag_erwerb_m: np.ndarray
) -> np.ndarray:
    return np.maximum(erwerbseinkommen_netto_m - freibetrag_erwerb_m, 0)


@rule(
    reference="§ 11 Abs. 1 SGB II",
    formula="Unterhalt + Unterhaltsvorschuss + Rente + Arbeitslosengeld + sonstiges Einkommen",
)
def einkommen_sonstiges_m(
    unterhalt_m: np.ndarray,
    unterhaltsvorschuss_m: np.ndarray,
    rente_m: np.ndarray,
    alg1_m: np.ndarray,
    sonstiges_einkommen_m: np.ndarray,
) -> np.ndarray:
    return unterhalt_m + unterhaltsvorschuss_m + rente_m + alg1_m + sonstiges_einkommen_m


@rule(
    reference="§ 11b Abs. 1 S. 1 Nr. 3 SGB II i. V. m. § 6 Abs. 1 Nr. 1 Bürgergeld-V",
    formula="volljährig und ohne Erwerbseinkommen (sonst ist die Pauschale im Grundfreibetrag enthalten)",
    einheit="bool",
)
def pauschale_berechtigt(
    alter: np.ndarray, erwerbseinkommen_brutto_m: np.ndarray, versicherungspauschale
) -> np.ndarray:
    return (alter >= versicherungspauschale.mindestalter) & (erwerbseinkommen_brutto_m == 0)
