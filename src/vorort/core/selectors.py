"""Permission-checked reads of the audit log (Protokoll) for the Datenschutz role.

Only users with `core.view_auditlog` see events, and only their own Mandant's
(`AuditEvent.objects.visible_to`). Persons and BGs are found and named through the registry in
`vorort.core.protokoll`, which `personen` fills.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from vorort.core.models import AuditBetroffene, AuditEvent, User
from vorort.core.protokoll import beschreiben, verzeichnis

BENUTZER_MAX_TREFFER = 20


@dataclass
class ProtokollSuche:
    """The events matching a filter, newest first, and what the filter's texts matched."""

    events: QuerySet[AuditEvent]
    kriterien: dict = field(default_factory=dict)
    personen: dict[int, str] = field(default_factory=dict)
    bgs: dict[int, str] = field(default_factory=dict)
    benutzer: list[User] = field(default_factory=list)


@dataclass
class ProtokollZeile:
    """One event as the Datenschutz screen and the Auskunft show it."""

    event: AuditEvent
    beschreibung: str
    person: str = ""
    bg: str = ""
    ueber_bg: bool = False


def events_about_persons(events: QuerySet[AuditEvent], person_ids) -> QuerySet[AuditEvent]:
    """Events that concern any of the persons: their own, and those about their BG or Antrag.

    A semi-join on the index of `AuditBetroffene` (person, event), so it stays an index lookup
    however long the log grows.
    """
    return events.filter(pk__in=AuditBetroffene.objects.filter(person_id__in=person_ids).values("event_id"))


def users_matching(user: User, begriff: str) -> list[User]:
    """Staff of the user's Mandant whose user name or name contains every word of `begriff`."""
    benutzer = User.objects.filter(mandant_id=user.mandant_id)
    for wort in begriff.split():
        benutzer = benutzer.filter(
            Q(username__icontains=wort) | Q(first_name__icontains=wort) | Q(last_name__icontains=wort)
        )
    return list(benutzer.order_by("last_name", "first_name", "username")[:BENUTZER_MAX_TREFFER])


def search_protokoll(user: User, daten: dict) -> ProtokollSuche:
    """Filter the user's visible events by person, BG, user, event type and period."""
    suche = ProtokollSuche(AuditEvent.objects.visible_to(user).select_related("acting_user").order_by("-seq"))
    if begriff := (daten.get("person") or "").strip():
        suche.personen = verzeichnis().personen_finden(user, begriff)
        suche.events = events_about_persons(suche.events, list(suche.personen))
        suche.kriterien["person"] = begriff
    if begriff := (daten.get("bg") or "").strip():
        suche.bgs = verzeichnis().bgs_finden(user, begriff)
        suche.events = suche.events.filter(bedarfsgemeinschaft_id__in=list(suche.bgs))
        suche.kriterien["bg"] = begriff
    if begriff := (daten.get("benutzer") or "").strip():
        suche.benutzer = users_matching(user, begriff)
        suche.events = suche.events.filter(acting_user__in=[u.pk for u in suche.benutzer])
        suche.kriterien["benutzer"] = begriff
    if daten.get("typ"):
        suche.events = suche.events.filter(typ=daten["typ"])
        suche.kriterien["typ"] = daten["typ"]
    if daten.get("von"):
        suche.events = suche.events.filter(zeitpunkt__gte=_tagesbeginn(daten["von"]))
        suche.kriterien["von"] = daten["von"].isoformat()
    if daten.get("bis"):
        suche.events = suche.events.filter(zeitpunkt__lt=_tagesbeginn(daten["bis"] + timedelta(days=1)))
        suche.kriterien["bis"] = daten["bis"].isoformat()
    return suche


def _tagesbeginn(tag: date) -> datetime:
    return datetime.combine(tag, time.min, tzinfo=timezone.get_current_timezone())


def protokoll_zeilen(user: User, events, personen: dict[int, str] | None = None) -> list[ProtokollZeile]:
    """Describe events in German and name their person and BG (a few queries per page).

    `personen` are the persons searched for: an event found through one of them but naming no
    one of them itself is marked as concerning them through their BG (`ueber_bg`).
    """
    events = list(events)
    namen = verzeichnis().personen_namen(user, {e.person_id for e in events if e.person_id})
    bgs = verzeichnis().bg_namen(user, {e.bedarfsgemeinschaft_id for e in events if e.bedarfsgemeinschaft_id})
    texte = beschreiben(user.mandant_id, events)
    return [
        ProtokollZeile(
            event=e,
            beschreibung=texte[e.pk],
            person=namen.get(e.person_id, f"Nr. {e.person_id}" if e.person_id else ""),
            bg=bgs.get(
                e.bedarfsgemeinschaft_id,
                f"Nr. {e.bedarfsgemeinschaft_id}" if e.bedarfsgemeinschaft_id else "",
            ),
            ueber_bg=bool(personen) and e.person_id not in personen and bool(e.bedarfsgemeinschaft_id),
        )
        for e in events
    ]
