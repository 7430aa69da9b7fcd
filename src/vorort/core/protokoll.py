"""What the Protokoll needs to know about the objects its events talk about, contributed by apps.

core keeps the audit log but knows nothing of persons, BGs or grants (core never imports a
domain app). Each app plugs in from its `AppConfig.ready()`:

- `register_betroffene(resolver)`: which persons an event concerns, asked by `record_event`
  when the event is written. `personen` answers with the BG's members on that day, `leistung`
  with the persons of an Antrag, so an event about a BG or an Antrag is found under each of
  them (decision 0006).
- `register_verzeichnis(verzeichnis)`: how the Datenschutz screen finds persons and BGs by
  text, names them and addresses a letter to a person (one app, `personen`).
- `register_beschreibung(beschreibung)`: the German sentence for each of the app's event types,
  e.g. "Bewilligung 123 freigegeben: 1.234,56 € monatlich, 01.01.2027–31.12.2027".

Descriptions never name staff (who acted is its own column, and the Art. 15 Auskunft names
roles, not people) and never name persons other than the one the event is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from vorort.core.datum import datum_de, monat_de
from vorort.core.models import AuditEvent, User

# --- Persons an event concerns ---------------------------------------------------------------

BetroffeneResolver = Callable[[AuditEvent, Any], Iterable[int]]
_RESOLVERS: list[BetroffeneResolver] = []


def register_betroffene(resolver: BetroffeneResolver) -> BetroffeneResolver:
    """Add a resolver `(event, objekt) -> person ids`; called inside the event's transaction."""
    if resolver not in _RESOLVERS:
        _RESOLVERS.append(resolver)
    return resolver


def betroffene_of(event: AuditEvent, objekt: Any = None) -> set[int]:
    """The persons the event concerns: its own person and whatever the apps add."""
    personen = {event.person_id} if event.person_id else set()
    for resolver in _RESOLVERS:
        personen.update(resolver(event, objekt))
    return personen


# --- Persons and BGs by name -----------------------------------------------------------------


@dataclass(frozen=True)
class Empfaenger:
    """Name, address lines and salutation of a letter's addressee."""

    name: str
    zeilen: list[str]
    anrede: str
    kennung: str = ""


@dataclass(frozen=True)
class Verzeichnis:
    """Lookups across the user's Mandant (ids and names only) for the Datenschutz role.

    Each callable takes the acting user first and answers nothing without `core.view_auditlog`.
    `personen_finden` / `bgs_finden` map a search text to `{id: label}`, `personen_namen` /
    `bg_namen` label known ids, `empfaenger` addresses a letter to a person.
    """

    personen_finden: Callable[[User, str], dict[int, str]]
    bgs_finden: Callable[[User, str], dict[int, str]]
    personen_namen: Callable[[User, Iterable[int]], dict[int, str]]
    bg_namen: Callable[[User, Iterable[int]], dict[int, str]]
    empfaenger: Callable[[User, int], Empfaenger | None]


def _nichts(*args) -> dict:
    return {}


_LEER = Verzeichnis(_nichts, _nichts, _nichts, _nichts, lambda user, person_id: None)
_verzeichnis: list[Verzeichnis] = [_LEER]


def register_verzeichnis(verzeichnis: Verzeichnis) -> Verzeichnis:
    _verzeichnis[0] = verzeichnis
    return verzeichnis


def verzeichnis() -> Verzeichnis:
    return _verzeichnis[0]


# --- Event descriptions in German ------------------------------------------------------------


@dataclass(frozen=True)
class Beschreibung:
    """How to say what events of some types mean.

    `laden(mandant_id, events)` reads what the sentences need for one page of events in a few
    queries (e.g. the grants they name); `text(event, geladen)` returns the sentence.
    """

    typen: frozenset[int]
    text: Callable[[AuditEvent, dict], str]
    laden: Callable[[int, list[AuditEvent]], dict] = field(default=lambda mandant_id, events: {})


_BESCHREIBUNGEN: dict[int, Beschreibung] = {}
_ISO_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONAT = re.compile(r"\d{4}-\d{2}(-\d{2})?$")


def register_beschreibung(beschreibung: Beschreibung) -> Beschreibung:
    for typ in beschreibung.typen:
        _BESCHREIBUNGEN[int(typ)] = beschreibung
    return beschreibung


def beschriebene_typen() -> set[int]:
    return set(_BESCHREIBUNGEN)


def beschreiben(mandant_id: int | None, events: list[AuditEvent]) -> dict[int, str]:
    """The German sentence for each event, by event id (one `laden` per registered description)."""
    gruppen: dict[Beschreibung, list[AuditEvent]] = {}
    for event in events:
        beschreibung = _BESCHREIBUNGEN.get(int(event.typ))
        if beschreibung is not None:
            gruppen.setdefault(beschreibung, []).append(event)
    texte = {e.pk: _ohne_beschreibung(e) for e in events}
    for beschreibung, gruppe in gruppen.items():
        geladen = beschreibung.laden(mandant_id, gruppe)
        for event in gruppe:
            texte[event.pk] = beschreibung.text(event, geladen)
    return texte


def _ohne_beschreibung(event: AuditEvent) -> str:
    return str(event.get_typ_display())


# --- Helpers for the sentences ---------------------------------------------------------------


def datum_text(wert: Any) -> str:
    """A date from the event's details (a date or an ISO string) as TT.MM.JJJJ."""
    if isinstance(wert, str):
        try:
            wert = date.fromisoformat(wert[:10])
        except ValueError:
            return wert
    if isinstance(wert, date):
        return datum_de(wert)
    return "—" if wert is None else str(wert)


def monat_text(wert: Any) -> str:
    """A month from the event's details (a date or "JJJJ-MM[-TT]") as MM.JJJJ."""
    if isinstance(wert, str) and _ISO_MONAT.match(wert):
        wert = date(int(wert[:4]), int(wert[5:7]), 1)
    if isinstance(wert, date):
        return monat_de(wert)
    return "—" if wert in (None, "") else str(wert)


def feld_label(model: type[models.Model], name: str) -> str:
    """The field's German label ("Wohnfläche"), or the name itself for an unknown field."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")


def wert_text(wert: Any) -> str:
    """A stored value as a person reads it: dates TT.MM.JJJJ, yes/no, "—" for empty."""
    if wert is None or wert == "":
        return "—"
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, str) and _ISO_DATUM.fullmatch(wert):
        return datum_text(wert)
    if isinstance(wert, list):
        return ", ".join(wert_text(w) for w in wert)
    return str(wert)


def felder_text(model: type[models.Model], alt: dict, neu: dict) -> str:
    """Changed fields as "Nachname: Schmid → Schmidt; Familienstand: ledig → verheiratet"."""
    teile = []
    for name in sorted(set(alt) | set(neu)):
        try:
            feld = model._meta.get_field(name)
            choices = dict(feld.flatchoices) if feld.choices else {}
        except FieldDoesNotExist:
            choices = {}
        label = feld_label(model, name)
        vorher, nachher = (choices.get(w, w) for w in (alt.get(name), neu.get(name)))
        teile.append(f"{label}: {wert_text(vorher)} → {wert_text(nachher)}")
    return "; ".join(teile)
