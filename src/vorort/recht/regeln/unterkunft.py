"""Housing and heating (Unterkunft und Heizung, § 22 SGB II): per household, then per head.

Household (`_hh`) arrays have one entry per household; a limit of -1 cent means "no limit given".
The rent and heating parts stay separate until the household sum, so a later direct payment to the
landlord (§ 22 Abs. 7 SGB II) can use the recognised rent.
"""

from __future__ import annotations

import numpy as np

from ..geld import CENT_FLOOR_KOPFTEIL, CENT_HALF_UP, promille
from .registry import rule

KEIN_LIMIT = -1


def _begrenzt(betrag: np.ndarray, grenze: np.ndarray) -> np.ndarray:
    return np.where(grenze >= 0, np.minimum(betrag, grenze), betrag)


@rule(
    reference="§ 22 Abs. 1 S. 2 bis 7, Abs. 10 SGB II",
    formula=(
        "1 = Kostensenkungsverfahren läuft (tatsächliche Kosten); 2 = Karenzzeit (Miete tatsächlich, "
        "Heizung angemessen); 3 = nach der Karenzzeit mit Gesamtangemessenheitsgrenze; "
        "4 = nach der Karenzzeit mit getrennten Grenzen"
    ),
    einheit="int",
    fundstellen=(
        "kdu_regel_hh",
        {
            1: "§ 22 Abs. 1 S. 7 SGB II (Kostensenkungsverfahren läuft: tatsächliche Kosten)",
            2: "§ 22 Abs. 1 S. 2 bis 5 SGB II (Karenzzeit: Unterkunft tatsächlich, Heizung angemessen)",
            3: "§ 22 Abs. 10 SGB II (Gesamtangemessenheitsgrenze)",
            4: "§ 22 Abs. 1 S. 1 SGB II (örtliche Angemessenheitsgrenzen)",
        },
    ),
)
def kdu_regel_hh(
    kostensenkung_laeuft_hh: np.ndarray, karenzzeit_abgelaufen_hh: np.ndarray, grenze_gesamt_m_hh: np.ndarray
) -> np.ndarray:
    return np.select(
        [kostensenkung_laeuft_hh, ~karenzzeit_abgelaufen_hh, grenze_gesamt_m_hh >= 0], [1, 2, 3], default=4
    ).astype(np.int8)


@rule(
    gueltig_bis="2026-06-30",
    reference="§ 22 Abs. 1 S. 2 bis 7 SGB II",
    formula=(
        "anerkannte Bruttokaltmiete: tatsächlich (Regel 1 und 2), in Regel 3 bis zur Gesamtgrenze, "
        "in Regel 4 höchstens die örtliche Angemessenheitsgrenze"
    ),
)
def kdu_unterkunft_anerkannt_m_hh(
    kdu_regel_hh: np.ndarray,
    kaltmiete_m_hh: np.ndarray,
    grenze_bruttokaltmiete_m_hh: np.ndarray,
    grenze_gesamt_m_hh: np.ndarray,
) -> np.ndarray:
    return np.select(
        [kdu_regel_hh <= 2, kdu_regel_hh == 3],
        [kaltmiete_m_hh, np.minimum(kaltmiete_m_hh, grenze_gesamt_m_hh)],
        default=_begrenzt(kaltmiete_m_hh, grenze_bruttokaltmiete_m_hh),
    )


@rule(
    gueltig_ab="2026-07-01",
    reference="§ 22 Abs. 1 SGB II idF 13. SGB II-ÄndG",
    formula=(
        "anerkannte Bruttokaltmiete: tatsächlich (Regel 1); in der Karenzzeit höchstens das 1,5-Fache "
        "der örtlichen Grenze (Regel 2); in Regel 3 bis zur Gesamtgrenze; in Regel 4 höchstens die Grenze"
    ),
    rounding=CENT_HALF_UP,
)
def kdu_unterkunft_anerkannt_m_hh(  # noqa: F811 - a new dated version of the same rule (decision 0102)
    kdu_regel_hh: np.ndarray,
    kaltmiete_m_hh: np.ndarray,
    grenze_bruttokaltmiete_m_hh: np.ndarray,
    grenze_gesamt_m_hh: np.ndarray,
    kdu_karenzzeit_deckel,
) -> np.ndarray:
    deckel = np.where(
        grenze_bruttokaltmiete_m_hh >= 0,
        promille(np.maximum(grenze_bruttokaltmiete_m_hh, 0), kdu_karenzzeit_deckel.faktor_promille),
        KEIN_LIMIT,
    )
    return np.select(
        [kdu_regel_hh == 1, kdu_regel_hh == 2, kdu_regel_hh == 3],
        [kaltmiete_m_hh, _begrenzt(kaltmiete_m_hh, deckel), np.minimum(kaltmiete_m_hh, grenze_gesamt_m_hh)],
        default=_begrenzt(kaltmiete_m_hh, grenze_bruttokaltmiete_m_hh),
    )


@rule(
    reference="§ 22 Abs. 1 S. 1 und 2, Abs. 10 SGB II",
    formula=(
        "anerkannte Heizkosten: tatsächlich (Regel 1), sonst höchstens die Heizkostengrenze; in Regel 3 "
        "der Rest der Gesamtangemessenheitsgrenze nach der Miete"
    ),
)
def kdu_heizung_anerkannt_m_hh(
    kdu_regel_hh: np.ndarray,
    kaltmiete_m_hh: np.ndarray,
    heizkosten_m_hh: np.ndarray,
    grenze_heizkosten_m_hh: np.ndarray,
    grenze_gesamt_m_hh: np.ndarray,
    kdu_unterkunft_anerkannt_m_hh: np.ndarray,
) -> np.ndarray:
    gesamt_regel_3 = (
        np.minimum(kaltmiete_m_hh + heizkosten_m_hh, grenze_gesamt_m_hh) - kdu_unterkunft_anerkannt_m_hh
    )
    return np.select(
        [kdu_regel_hh == 1, kdu_regel_hh == 3],
        [heizkosten_m_hh, gesamt_regel_3],
        default=_begrenzt(heizkosten_m_hh, grenze_heizkosten_m_hh),
    )


@rule(
    reference="§ 22 Abs. 1 S. 1 SGB II",
    formula="anerkannte Bruttokaltmiete + anerkannte Heizkosten des Haushalts",
)
def kdu_anerkannt_m_hh(
    kdu_unterkunft_anerkannt_m_hh: np.ndarray, kdu_heizung_anerkannt_m_hh: np.ndarray
) -> np.ndarray:
    return kdu_unterkunft_anerkannt_m_hh + kdu_heizung_anerkannt_m_hh


@rule(
    reference="§ 22 Abs. 1 S. 1 SGB II (Kopfteilprinzip)",
    formula=(
        "anerkannte Kosten des Haushalts geteilt durch die Zahl aller Personen des Haushalts, in ganzen Cent"
    ),
    rounding=CENT_FLOOR_KOPFTEIL,
)
def kdu_anerkannt_m(
    kdu_anerkannt_m_hh: np.ndarray, hh_idx: np.ndarray, personen_hh: np.ndarray, rang_im_hh: np.ndarray
) -> np.ndarray:
    gesamt = kdu_anerkannt_m_hh[hh_idx]
    n = personen_hh[hh_idx]
    return gesamt // n + (rang_im_hh < gesamt % n)
