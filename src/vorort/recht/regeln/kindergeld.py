"""Kindergeld, children's own income and membership of the BG (§ 11 Abs. 1 S. 5, § 7 Abs. 3 Nr. 4 SGB II).

Order of the steps: the Kindergeld of a child of the BG is the child's income; a child whose income
covers its (prorated) need leaves the BG and passes the Kindergeld it does not need to the recipient;
Kindergeld for a person under 25 in a BG of its own with a parent in the household counts for that
person only as far as needed; any other Kindergeld is the recipient's income. The recipient gets the
30 € Pauschale on what it receives.

Simplification: the membership test of a child uses the child's own income without any Kindergeld
surplus that the child itself receives for its own child (a teenage parent in the parents' BG); the
surplus is added to its income afterwards.
"""

from __future__ import annotations

import numpy as np

from ..geld import cent
from .gruppen import nachschlagen, summe
from .registry import rule

KEIN_KINDERGELD, KIND_DER_BG, EIGENE_BG_ELTERN_IM_HH, UEBRIGE = 0, 1, 2, 3


@rule(reference="§ 66 Abs. 1 EStG", formula="Kindergeld für diese Person, wenn ein Empfänger angegeben ist")
def kindergeld_m(kindergeld_empfaenger_idx: np.ndarray, kindergeld) -> np.ndarray:
    return (kindergeld_empfaenger_idx >= 0) * np.int64(cent(kindergeld.wert))


@rule(
    reference="§ 11 Abs. 1 S. 5 SGB II",
    formula=(
        "0 = kein Kindergeld; 1 = Kind der BG (Einkommen des "
        "Kindes); 2 = unter 25 in eigener BG mit Elternteil "
        "im Haushalt (Einkommen, soweit benötigt); 3 = sonst (Einkommen des Kindergeldempfängers)"
    ),
    einheit="int",
)
def kindergeld_zuordnung(
    kindergeld_m: np.ndarray,
    kind_der_bg: np.ndarray,
    alter: np.ndarray,
    hh_idx: np.ndarray,
    elternteil_1_idx: np.ndarray,
    elternteil_2_idx: np.ndarray,
) -> np.ndarray:
    eltern_im_hh = (nachschlagen(elternteil_1_idx, hh_idx, -1) == hh_idx) | (
        nachschlagen(elternteil_2_idx, hh_idx, -1) == hh_idx
    )
    # 3 − (2 for a child of the BG, else 1 for an under-25
    # with a parent in the household), 0 without Kindergeld.
    abzug = ((alter < 25) & eltern_im_hh & ~kind_der_bg).view(np.int8)
    abzug += kind_der_bg.view(np.int8) * np.int8(2)
    zuordnung = np.int8(UEBRIGE) - abzug
    zuordnung *= kindergeld_m != 0
    return zuordnung


@rule(
    reference="§ 11b Abs. 1 SGB II",
    formula=(
        "anrechenbares Erwerbseinkommen + sonstiges Einkommen, "
        "ohne Kindergeld, nach der Versicherungspauschale"
    ),
)
def einkommen_ohne_kindergeld_m(
    erwerbseinkommen_anrechenbar_m: np.ndarray,
    einkommen_sonstiges_m: np.ndarray,
    pauschale_berechtigt: np.ndarray,
    versicherungspauschale,
) -> np.ndarray:
    pauschale = pauschale_berechtigt * np.int64(cent(versicherungspauschale.wert))
    return erwerbseinkommen_anrechenbar_m + np.maximum(einkommen_sonstiges_m - pauschale, 0)


@rule(
    reference="§ 7 Abs. 3 Nr. 4 SGB II",
    formula="Kind der BG, dessen Einkommen einschließlich Kindergeld den anteiligen Bedarf deckt",
    einheit="bool",
)
def kind_deckt_bedarf(
    kindergeld_zuordnung: np.ndarray,
    erwerbseinkommen_anrechenbar_m: np.ndarray,
    einkommen_sonstiges_m: np.ndarray,
    kindergeld_m: np.ndarray,
    pauschale_berechtigt: np.ndarray,
    bedarf_anteilig_m: np.ndarray,
    kind_der_bg: np.ndarray,
    versicherungspauschale,
) -> np.ndarray:
    pauschale = pauschale_berechtigt * np.int64(cent(versicherungspauschale.wert))
    eigenes = erwerbseinkommen_anrechenbar_m + np.maximum(
        einkommen_sonstiges_m + kindergeld_m * (kindergeld_zuordnung == KIND_DER_BG) - pauschale, 0
    )
    return kind_der_bg & (eigenes >= bedarf_anteilig_m)


@rule(
    reference="§ 7 Abs. 3 SGB II",
    formula="Person gehört zur BG, außer einem Kind, das seinen Bedarf selbst deckt",
    einheit="bool",
)
def bg_mitglied(kind_deckt_bedarf: np.ndarray) -> np.ndarray:
    return ~kind_deckt_bedarf


@rule(
    reference="§ 11 Abs. 1 S. 5 SGB II",
    formula=(
        "Kindergeld als Einkommen der Person: bei einem Kind der BG ganz; bei einem Kind, das seinen Bedarf "
        "deckt, und bei unter 25-Jährigen in eigener BG nur soweit für den anteiligen Bedarf benötigt"
    ),
)
def kindergeld_angerechnet_m(
    kindergeld_zuordnung: np.ndarray,
    kindergeld_m: np.ndarray,
    bg_mitglied: np.ndarray,
    bedarf_anteilig_m: np.ndarray,
    einkommen_ohne_kindergeld_m: np.ndarray,
) -> np.ndarray:
    benoetigt = np.clip(bedarf_anteilig_m - einkommen_ohne_kindergeld_m, 0, kindergeld_m)
    kind = kindergeld_zuordnung == KIND_DER_BG
    ganz = kind & bg_mitglied
    soweit_benoetigt = (kind | (kindergeld_zuordnung == EIGENE_BG_ELTERN_IM_HH)) & ~ganz
    return kindergeld_m * ganz + benoetigt * soweit_benoetigt


@rule(
    reference="§ 11 Abs. 1 S. 5 SGB II",
    formula="nicht benötigtes Kindergeld, das Einkommen des Kindergeldempfängers wird",
)
def kindergeld_ueberhang_m(kindergeld_m: np.ndarray, kindergeld_angerechnet_m: np.ndarray) -> np.ndarray:
    return kindergeld_m - kindergeld_angerechnet_m


@rule(
    reference="§ 11 Abs. 1 S. 5 SGB II",
    formula="Summe des Kindergeldüberhangs, den die Person als Empfänger erhält",
)
def kindergeld_ueberhang_erhalten_m(
    kindergeld_ueberhang_m: np.ndarray, kindergeld_empfaenger_idx: np.ndarray
) -> np.ndarray:
    hat = kindergeld_empfaenger_idx >= 0
    return summe(kindergeld_empfaenger_idx[hat], kindergeld_ueberhang_m[hat], len(kindergeld_empfaenger_idx))


@rule(
    reference="§ 11b Abs. 1 S. 1 Nr. 3 SGB II i. V. m. § 6 Abs. 1 Nr. 1 Bürgergeld-V",
    formula=(
        "30 € von den Einkommen ohne Erwerbstätigkeit (einschließlich eigenem Kindergeld eines Kindes der BG "
        "und erhaltenem Kindergeldüberhang), höchstens bis 0"
    ),
)
def versicherungspauschale_m(
    pauschale_berechtigt: np.ndarray,
    einkommen_sonstiges_m: np.ndarray,
    kindergeld_ueberhang_erhalten_m: np.ndarray,
    kindergeld_zuordnung: np.ndarray,
    bg_mitglied: np.ndarray,
    kindergeld_angerechnet_m: np.ndarray,
    versicherungspauschale,
) -> np.ndarray:
    # Kindergeld counted only "as far as needed" is topped up to the need after the Pauschale (CONTRACT §4.5),
    # so the Pauschale does not reduce it again.
    eigenes_kindergeld = kindergeld_angerechnet_m * ((kindergeld_zuordnung == KIND_DER_BG) & bg_mitglied)
    basis = einkommen_sonstiges_m + kindergeld_ueberhang_erhalten_m + eigenes_kindergeld
    return np.minimum(basis, cent(versicherungspauschale.wert)) * pauschale_berechtigt


@rule(
    reference="§§ 11, 11b SGB II",
    formula=(
        "anrechenbares Erwerbseinkommen + sonstiges Einkommen + angerechnetes Kindergeld "
        "+ erhaltener Kindergeldüberhang − Versicherungspauschale"
    ),
)
def einkommen_bereinigt_m(
    erwerbseinkommen_anrechenbar_m: np.ndarray,
    einkommen_sonstiges_m: np.ndarray,
    kindergeld_angerechnet_m: np.ndarray,
    kindergeld_ueberhang_erhalten_m: np.ndarray,
    versicherungspauschale_m: np.ndarray,
) -> np.ndarray:
    return (
        erwerbseinkommen_anrechenbar_m
        + einkommen_sonstiges_m
        + kindergeld_angerechnet_m
        + kindergeld_ueberhang_erhalten_m
        - versicherungspauschale_m
    )
