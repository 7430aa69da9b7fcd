"""Open work: Weiterbewilligungsanträge in draft or ready for decision, documents past their deadline."""

from __future__ import annotations

from datetime import date, timedelta

from vorort.leistung.models import Antrag, AntragPerson, Einkommen, Unterlage

from ._einfuegen import einfuegen, naechste_id
from ._schreiber import Schreiber

FEHLENDE_UNTERLAGEN = (
    "Kontoauszüge der letzten drei Monate",
    "Lohnabrechnungen der letzten drei Monate",
    "aktuelle Nebenkostenabrechnung",
    "Mietbescheinigung des Vermieters",
)


def offene_antraege(schreiber: Schreiber, entwuerfe: list[tuple[int, date]]) -> None:
    """Weiterbewilligungsanträge still open: drafts, some waiting for documents past their deadline."""
    antrag_id, ap_id, ek_id = naechste_id(Antrag), naechste_id(AntragPerson), naechste_id(Einkommen)
    ul_id = naechste_id(Unterlage)
    antraege, ap, ek, unterlagen = [], [], [], []
    for k, (b, beginn) in enumerate(entwuerfe):
        status = Antrag.Status.ENTWURF if k % 3 else Antrag.Status.ENTSCHEIDUNGSREIF
        eingang = min(schreiber.heute - timedelta(days=int(schreiber.rng.integers(5, 40))), beginn)
        antraege.append(
            schreiber.antrag_zeile(
                antrag_id, b, Antrag.Art.WEITERBEWILLIGUNG, status, eingang, beginn, False, ""
            )
        )
        ap_id, ek_id = schreiber.personen_zeilen(
            antrag_id, b, min(beginn, schreiber.aktuell), ap_id, ap, ek_id, ek
        )
        if status == Antrag.Status.ENTWURF:
            unterlagen.append(
                (
                    ul_id,
                    antrag_id,
                    FEHLENDE_UNTERLAGEN[k % len(FEHLENDE_UNTERLAGEN)],
                    schreiber.d(eingang + timedelta(days=14)),
                    schreiber.d(eingang + timedelta(days=1)),
                    None,
                )
            )
            ul_id += 1
        antrag_id += 1
    einfuegen(Antrag, schreiber.ANTRAG_SPALTEN, antraege)
    einfuegen(AntragPerson, schreiber.AP_SPALTEN, ap)
    einfuegen(Einkommen, schreiber.EK_SPALTEN, ek)
    einfuegen(
        Unterlage,
        ["id", "antrag", "bezeichnung", "frist", "angefordert_am", "eingegangen_am"],
        unterlagen,
    )
    schreiber.zaehler["antraege_offen"] = len(antraege)
    schreiber.zaehler["unterlagen_offen"] = len(unterlagen)
