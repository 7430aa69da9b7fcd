"""What the Protokoll needs from personen: who an event concerns, names, addresses, sentences.

Registered in `PersonenConfig.ready()` through `vorort.core.protokoll` (core never imports
personen).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from vorort.core.models import AuditEvent, Team, User
from vorort.core.protokoll import (
    Beschreibung,
    Empfaenger,
    Verzeichnis,
    datum_text,
    felder_text,
    register_beschreibung,
    register_betroffene,
    register_verzeichnis,
)
from vorort.personen.models import Bedarfsgemeinschaft, Mitgliedschaft, Person, Rolle
from vorort.personen.selectors import anschrift_of, bgs_for_protokoll, persons_for_protokoll

Typ = AuditEvent.Typ
VOLLJAEHRIG = 18  # § 2 BGB


def betroffene(event: AuditEvent, objekt: Any) -> set[int]:
    """The BG's members on the day of the event; both persons of a merge and of its undoing."""
    personen: set[int] = set()
    if event.bedarfsgemeinschaft_id:
        mitglieder = Mitgliedschaft.objects.filter(bedarfsgemeinschaft_id=event.bedarfsgemeinschaft_id)
        personen.update(mitglieder.gueltig_am(timezone.localdate()).values_list("person_id", flat=True))
    if event.typ == Typ.PERSONEN_ZUSAMMENGEFUEHRT and event.details.get("aufgeloest"):
        personen.add(int(event.details["aufgeloest"]))
    if event.typ == Typ.ZUSAMMENFUEHRUNG_RUECKGAENGIG and event.details.get("fortgefuehrt"):
        personen.add(int(event.details["fortgefuehrt"]))
    return personen


def _person_label(person: Person) -> str:
    return f"{person.nachname}, {person.vorname} ({person.kundennummer})"


def _personen_finden(user: User, begriff: str) -> dict[int, str]:
    return {pk: _person_label(p) for pk, p in persons_for_protokoll(user, begriff).items()}


def _bgs_finden(user: User, begriff: str) -> dict[int, str]:
    return {bg.pk: bg.nummer for bg in bgs_for_protokoll(user, begriff)}


def _personen_namen(user: User, ids: Iterable[int]) -> dict[int, str]:
    if not user.has_perm("core.view_auditlog"):
        return {}
    personen = Person.objects.filter(mandant_id=user.mandant_id).only(
        "pk", "vorname", "nachname", "kundennummer"
    )
    return {pk: _person_label(p) for pk, p in personen.in_bulk(set(ids)).items()}


def _bg_namen(user: User, ids: Iterable[int]) -> dict[int, str]:
    if not user.has_perm("core.view_auditlog"):
        return {}
    bgs = Bedarfsgemeinschaft.objects.filter(mandant_id=user.mandant_id).only("pk", "nummer")
    return {pk: bg.nummer for pk, bg in bgs.in_bulk(set(ids)).items()}


def _empfaenger(user: User, person_id: int) -> Empfaenger | None:
    if not user.has_perm("core.view_auditlog"):
        return None
    person = Person.objects.filter(mandant_id=user.mandant_id, pk=person_id).first()
    if person is None:
        return None
    heute = timezone.localdate()
    mitgliedschaft = (
        person.mitgliedschaften.gueltig_am(heute).select_related("bedarfsgemeinschaft__haushalt").first()
    )
    haushalt = mitgliedschaft.bedarfsgemeinschaft.haushalt if mitgliedschaft else None
    name, zeilen, anrede = anschrift_of(person, stichtag=heute, haushalt=haushalt)
    if person.alter_am(heute) < VOLLJAEHRIG:
        # A minor's rights are exercised by the parents or guardian (§ 1629 BGB), so they get the letter.
        name, anrede = f"An die gesetzliche Vertretung von {name}", "Sehr geehrte Damen und Herren,"
    return Empfaenger(name=name, zeilen=zeilen, anrede=anrede, kennung=person.kundennummer)


# --- Sentences ---------------------------------------------------------------------------------


def _person_geaendert(event: AuditEvent, geladen: dict) -> str:
    return "Personendaten geändert: " + felder_text(
        Person, event.details.get("alt", {}), event.details.get("neu", {})
    )


def _zusammengefuehrt(event: AuditEvent, geladen: dict) -> str:
    d = event.details
    text = f"Doppelt erfasste Person {d.get('kundennummer_aufgeloest', '')} mit dieser Person zusammengeführt"
    return f"{text} (Grund: {d['grund']})" if d.get("grund") else text


def _rueckgaengig(event: AuditEvent, geladen: dict) -> str:
    d = event.details
    text = f"Zusammenführung mit {d.get('kundennummer_fortgefuehrt', '')} rückgängig gemacht"
    return f"{text} (Grund: {d['grund']})" if d.get("grund") else text


def _dublette(event: AuditEvent, geladen: dict) -> str:
    n = len(event.details.get("kandidaten", []))
    aehnlich = "eine ähnliche Person" if n == 1 else f"{n} ähnliche Personen"
    return f"Angelegt, obwohl {aehnlich} gefunden wurde{'n' if n != 1 else ''} (mögliche Dublette geprüft)"


def _bg_geaendert(event: AuditEvent, geladen: dict) -> str:
    neu = event.details.get("neu", {})
    teile = []
    if neu.get("status"):
        teile.append(f"Status: {Bedarfsgemeinschaft.Status(neu['status']).label}")
    if neu.get("leistungsbezug_seit"):
        teile.append(f"im Leistungsbezug seit {datum_text(neu['leistungsbezug_seit'])}")
    return "Bedarfsgemeinschaft geändert" + (": " + ", ".join(teile) if teile else "")


def _aufgenommen(event: AuditEvent, geladen: dict) -> str:
    rolle = event.details.get("rolle")
    als = f" als {Rolle(rolle).label}" if rolle in Rolle.values else ""
    return f"In die Bedarfsgemeinschaft aufgenommen{als} ab {datum_text(event.details.get('gueltig_ab'))}"


def _teams_laden(mandant_id: int | None, events: list[AuditEvent]) -> dict:
    ids = {e.details.get("neu", {}).get("team") for e in events} - {None}
    return {"teams": Team.objects.filter(mandant_id=mandant_id).in_bulk(ids)}


def _zustaendigkeit(event: AuditEvent, geladen: dict) -> str:
    team = geladen["teams"].get(event.details.get("neu", {}).get("team"))
    return f"Zuständigkeit geändert: jetzt Team {team.name}" if team else "Zuständigkeit geändert"


def _suche(event: AuditEvent, geladen: dict) -> str:
    d = event.details
    return f"Personensuche nach „{d.get('suchbegriff', '')}“: {d.get('treffer', 0)} Treffer"


def _fest(text: str):
    return lambda event, geladen: text


BESCHREIBUNGEN = [
    Beschreibung(frozenset({Typ.PERSON_ANGELEGT}), _fest("Person angelegt")),
    Beschreibung(frozenset({Typ.PERSON_GEAENDERT}), _person_geaendert),
    Beschreibung(frozenset({Typ.PERSON_GELESEN}), _fest("Personenakte geöffnet")),
    Beschreibung(frozenset({Typ.PERSONEN_ZUSAMMENGEFUEHRT}), _zusammengefuehrt),
    Beschreibung(
        frozenset({Typ.ADRESSE_GEAENDERT}),
        lambda e, g: (
            f"Neue Anschrift ab {datum_text(e.details.get('gueltig_ab'))}: "
            f"{e.details.get('plz', '')} {e.details.get('ort', '')}".rstrip()
        ),
    ),
    Beschreibung(
        frozenset({Typ.BANKVERBINDUNG_GEAENDERT}),
        lambda e, g: (
            f"Neue Bankverbindung ab {datum_text(e.details.get('gueltig_ab'))} "
            f"(IBAN endet auf {e.details.get('iban_ende', '')})"
        ),
    ),
    Beschreibung(frozenset({Typ.DUBLETTE_BESTAETIGT}), _dublette),
    Beschreibung(frozenset({Typ.ZUSAMMENFUEHRUNG_RUECKGAENGIG}), _rueckgaengig),
    Beschreibung(
        frozenset({Typ.BG_ANGELEGT}),
        lambda e, g: f"Bedarfsgemeinschaft {e.details.get('nummer', '')} angelegt".replace("  ", " "),
    ),
    Beschreibung(frozenset({Typ.BG_GEAENDERT}), _bg_geaendert),
    Beschreibung(frozenset({Typ.BG_GELESEN}), _fest("Akte der Bedarfsgemeinschaft geöffnet")),
    Beschreibung(frozenset({Typ.BG_MITGLIED_AUFGENOMMEN}), _aufgenommen),
    Beschreibung(
        frozenset({Typ.BG_MITGLIED_BEENDET}),
        lambda e, g: (
            f"Mitgliedschaft in der Bedarfsgemeinschaft endet am {datum_text(e.details.get('gueltig_bis'))}"
        ),
    ),
    Beschreibung(frozenset({Typ.ZUSTAENDIGKEIT_GEAENDERT}), _zustaendigkeit, laden=_teams_laden),
    Beschreibung(frozenset({Typ.PERSONENSUCHE}), _suche),
]


def registrieren() -> None:
    register_betroffene(betroffene)
    register_verzeichnis(
        Verzeichnis(
            personen_finden=_personen_finden,
            bgs_finden=_bgs_finden,
            personen_namen=_personen_namen,
            bg_namen=_bg_namen,
            empfaenger=_empfaenger,
        )
    )
    for beschreibung in BESCHREIBUNGEN:
        register_beschreibung(beschreibung)
