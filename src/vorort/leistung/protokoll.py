"""What the Protokoll needs from leistung: who an Antrag concerns, and sentences for its events.

Registered in `LeistungConfig.ready()` through `vorort.core.protokoll`.
"""

from __future__ import annotations

from typing import Any

from vorort.core.models import AuditEvent
from vorort.core.protokoll import (
    Beschreibung,
    datum_text,
    feld_label,
    felder_text,
    monat_text,
    register_beschreibung,
    register_betroffene,
)
from vorort.core.templatetags.vorort import euro
from vorort.leistung.models import Antrag, AntragPerson, Bewilligung, Einkommen, Schreiben

Typ = AuditEvent.Typ


def betroffene(event: AuditEvent, objekt: Any) -> set[int]:
    """The persons of an Antrag (every event about it names the Antrag as its object)."""
    if isinstance(objekt, Antrag):
        return set(AntragPerson.objects.filter(antrag_id=objekt.pk).values_list("person_id", flat=True))
    return set()


def _zeitraum(von: Any, bis: Any) -> str:
    return f"{datum_text(von)}–{datum_text(bis)}"


def _felder(model, namen: list[str]) -> str:
    return ", ".join(feld_label(model, name) for name in namen)


def _objekte_laden(mandant_id: int | None, events: list[AuditEvent]) -> dict:
    """The grants and letters a page of events names (two queries)."""
    bewilligungen = {e.objekt_id for e in events if e.objekt_typ == "leistung.bewilligung"}
    bewilligungen |= {e.details.get("bewilligung") for e in events if e.details.get("bewilligung")}
    schreiben = {e.objekt_id for e in events if e.objekt_typ == "leistung.schreiben"}
    return {
        "bewilligungen": Bewilligung.objects.filter(mandant_id=mandant_id).in_bulk(bewilligungen),
        "schreiben": Schreiben.objects.filter(mandant_id=mandant_id).in_bulk(schreiben),
    }


def _antrag_angelegt(event: AuditEvent, geladen: dict) -> str:
    art = event.details.get("art")
    name = Antrag.Art(art).label if art in Antrag.Art.values else "Antrag"
    return f"{name} angelegt, Leistungsbeginn {datum_text(event.details.get('leistungsbeginn'))}"


def _antrag_geaendert(event: AuditEvent, geladen: dict) -> str:
    d = event.details
    if "unterlage_eingegangen" in d:
        return f"Unterlage zum Antrag eingegangen: {d['unterlage_eingegangen']}"
    if "unterlage" in d:
        frist = datum_text(d.get("frist"))
        return f"Unterlage zum Antrag angefordert: {d['unterlage']}, einzureichen bis {frist}"
    if "einkommen" in d:
        art = d["einkommen"]
        name = Einkommen.Art(art).label if art in Einkommen.Art.values else art
        aktion = {"geaendert": "geändert", "geloescht": "gelöscht"}.get(d.get("einkommen_aktion"), "erfasst")
        text = f"Einkommen im Antrag {aktion}: {name} ab {monat_text(d.get('monat_ab'))}"
        if d.get("einkommen_aktion") == "geaendert":
            text += f" ({felder_text(Einkommen, d.get('alt', {}), d.get('neu', {}))})"
        return text
    if "person" in d:
        return f"Angaben der Person im Antrag geändert: {_felder(AntragPerson, d['person'])}"
    if d.get("geaendert"):
        return f"Antrag geändert: {_felder(Antrag, d['geaendert'])}"
    return "Antrag geändert"


def _bewilligung_text(event: AuditEvent, geladen: dict, getan: str) -> str:
    bewilligung = geladen["bewilligungen"].get(event.objekt_id)
    if bewilligung is None:
        return f"Bewilligung {event.objekt_id or ''} {getan}".replace("  ", " ")
    return (
        f"Bewilligung {bewilligung.pk} {getan}: {euro(bewilligung.zahlbetrag_monat)} monatlich, "
        f"{_zeitraum(bewilligung.von, bewilligung.bis)}"
    )


def _bewilligung(event: AuditEvent, geladen: dict) -> str:
    if event.typ == Typ.BEWILLIGUNG_FREIGEGEBEN:
        return _bewilligung_text(event, geladen, "freigegeben")
    text = _bewilligung_text(event, geladen, "vorbereitet")
    if grund := event.details.get("vier_augen"):
        text += f"; Freigabe durch eine zweite Person nötig ({grund})"
    return text


def _antrag_bewilligt(event: AuditEvent, geladen: dict) -> str:
    d = event.details
    return (
        f"Antrag bewilligt für {_zeitraum(d.get('von'), d.get('bis'))} (Bewilligung {d.get('bewilligung')})"
    )


def _berechnung(event: AuditEvent, geladen: dict) -> str:
    betrag = event.details.get("zahlbetrag_erster_monat")
    text = f"Berechnung {event.objekt_id} erstellt" if event.objekt_id else "Berechnung erstellt"
    return f"{text}: Zahlbetrag im ersten Monat {euro(betrag)}" if betrag is not None else text


def _bescheid(event: AuditEvent, geladen: dict) -> str:
    schreiben = geladen["schreiben"].get(event.objekt_id)
    art = schreiben.get_art_display() if schreiben else "Bescheid"
    return f"{art} erstellt und in der E-Akte abgelegt"


def _unterlagen(event: AuditEvent, geladen: dict) -> str:
    return "Unterlagen angefordert (§ 60 SGB I): " + ", ".join(event.details.get("unterlagen", []))


def _zahllauf_abgeschlossen(event: AuditEvent, geladen: dict) -> str:
    d = event.details
    return (
        f"Zahllauf {monat_text(d.get('zahlmonat'))} abgeschlossen: {d.get('bedarfsgemeinschaften', 0)} "
        f"Bedarfsgemeinschaften, {d.get('ueberweisungen', 0)} Überweisungen, "
        f"zusammen {euro(d.get('summe_zahlungen'))}"
    )


BESCHREIBUNGEN = [
    Beschreibung(frozenset({Typ.ANTRAG_ANGELEGT}), _antrag_angelegt),
    Beschreibung(frozenset({Typ.ANTRAG_BEWILLIGT}), _antrag_bewilligt),
    Beschreibung(frozenset({Typ.ANTRAG_GEAENDERT}), _antrag_geaendert),
    Beschreibung(
        frozenset({Typ.ANTRAG_ENTSCHEIDUNGSREIF}), lambda e, g: "Antrag als entscheidungsreif markiert"
    ),
    Beschreibung(frozenset({Typ.BERECHNUNG_ERSTELLT}), _berechnung),
    Beschreibung(
        frozenset({Typ.BEWILLIGUNG_VORBEREITET, Typ.BEWILLIGUNG_FREIGEGEBEN}),
        _bewilligung,
        laden=_objekte_laden,
    ),
    Beschreibung(frozenset({Typ.BESCHEID_ERSTELLT}), _bescheid, laden=_objekte_laden),
    Beschreibung(frozenset({Typ.UNTERLAGEN_ANGEFORDERT}), _unterlagen),
    Beschreibung(
        frozenset({Typ.ZAHLLAUF_GESTARTET}),
        lambda e, g: f"Zahllauf {monat_text(e.details.get('zahlmonat'))} gestartet",
    ),
    Beschreibung(frozenset({Typ.ZAHLLAUF_ABGESCHLOSSEN}), _zahllauf_abgeschlossen),
    Beschreibung(
        frozenset({Typ.LEISTUNG_EINSTELLUNGEN_GEAENDERT}),
        lambda e, g: "Einstellungen der Leistungsabteilung geändert",
    ),
]


def registrieren() -> None:
    register_betroffene(betroffene)
    for beschreibung in BESCHREIBUNGEN:
        register_beschreibung(beschreibung)
