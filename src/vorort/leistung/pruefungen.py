"""Plausibility warnings on a stored Berechnung: things a caseworker should look at before deciding.

A warning never blocks: the caseworker may know better (a household living rent-free with
relatives). It says what looks wrong, in which months, and what to do.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from vorort.core.datum import monat_de
from vorort.core.templatetags.vorort import euro as euro_de
from vorort.leistung.models import Berechnung


def _monate_text(keys: list[str]) -> str:
    monate = [monat_de(date.fromisoformat(f"{k}-01")) for k in keys]
    if len(monate) == 1:
        return f"im Monat {monate[0]}"
    return f"in {len(monate)} Monaten ({monate[0]} bis {monate[-1]})"


def _kdu_erfasst(berechnung: Berechnung, key: str) -> Decimal | None:
    """Rent and heating recorded for the month, from the stored input (demo runs keep only the first)."""
    zeilen = berechnung.eingabe.get(key) or next(iter(berechnung.eingabe.values()), None)
    if not zeilen:
        return None
    zeile = zeilen[0]
    return Decimal(str(zeile.get("kaltmiete_m_hh", 0))) + Decimal(str(zeile.get("heizkosten_m_hh", 0)))


def kdu_warnungen(berechnung: Berechnung) -> list[str]:
    """Warn when months are calculated without housing costs (§ 22 Abs. 1 SGB II) for a rented flat.

    Two cases: costs were recorded but none recognised; or none were recorded although the
    household does not live in its own property (most often: the rent was typed but never saved).
    """
    ohne = [k for k in berechnung.monate if not berechnung.ergebnis[k]["bg"].get("kdu_anerkannt_m")]
    if not ohne:
        return []
    erfasst = _kdu_erfasst(berechnung, ohne[0])
    wann = _monate_text(ohne)
    if erfasst:
        return [
            f"{wann[0].upper()}{wann[1:]} wurden keine Kosten der Unterkunft und Heizung anerkannt, "
            f"obwohl im Antrag {euro_de(erfasst)} im Monat erfasst sind. "
            "Bitte prüfen Sie die Angaben und die KdU-Grenzen (§ 22 Abs. 1 SGB II)."
        ]
    haushalt = berechnung.bedarfsgemeinschaft.haushalt
    if haushalt.eigentum:
        return []
    bekannt = (
        f" Im Haushalt ist eine Bruttokaltmiete von {euro_de(haushalt.bruttokaltmiete_m)} bekannt."
        if haushalt.bruttokaltmiete_m
        else ""
    )
    return [
        f"Diese Berechnung enthält {wann} keine Kosten der Unterkunft und Heizung ({euro_de(0)}), "
        f"der Haushalt wohnt aber zur Miete ({haushalt}).{bekannt} "
        "Bitte tragen Sie Bruttokaltmiete und Heizkosten im Antrag ein und berechnen Sie neu."
    ]
