"""Every change to persons, households and Bedarfsgemeinschaften: one function each.

Each action checks the permission, validates, writes and records its audit event in one
transaction. Views, the API, imports and the demo generator all go through here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vorort.core.audit import record_event
from vorort.core.exceptions import NotAllowed, require_permission
from vorort.core.models import AuditEvent, Team, User
from vorort.personen.dubletten import Dublettenhinweis, duplicate_candidates
from vorort.personen.models import (
    Adresse,
    Bankverbindung,
    Bedarfsgemeinschaft,
    Haushalt,
    Mitgliedschaft,
    Person,
    Rolle,
    bg_nummer_praefix,
)
from vorort.personen.validators import normalize_iban


class MoeglicheDublette(Exception):
    """Raised when a new person resembles existing ones; the user must review the candidates."""

    def __init__(self, kandidaten: list[Dublettenhinweis]) -> None:
        self.kandidaten = kandidaten
        super().__init__(f"{len(kandidaten)} mögliche Dublette(n) gefunden.")


@dataclass
class PersonDaten:
    vorname: str
    nachname: str
    geburtsdatum: date
    geschlecht: str
    geburtsname: str = ""
    geburtsort: str = ""
    staatsangehoerigkeit: str = "DE"
    telefon: str = ""
    email: str = ""
    extra: dict = field(default_factory=dict)


def new_kundennummer(mandant_id: int) -> str:
    """A random, unused Kundennummer: "K" and nine digits (not guessable from the count)."""
    while True:
        nummer = f"K{secrets.randbelow(10**9):09d}"
        if not Person.objects.filter(mandant_id=mandant_id, kundennummer=nummer).exists():
            return nummer


@transaction.atomic(durable=True)
def create_person(daten: PersonDaten, *, acting_user: User, dubletten_geprueft: bool = False) -> Person:
    """Register a person. Similar existing persons raise `MoeglicheDublette` unless the user
    reviewed them and confirmed (`dubletten_geprueft`), which is recorded with the candidates.
    """
    require_permission(acting_user, "personen.add_person", "Personen anzulegen")
    if daten.geburtsdatum > timezone.localdate():
        raise ValidationError({"geburtsdatum": "Das Geburtsdatum liegt in der Zukunft."})
    kandidaten = duplicate_candidates(
        acting_user.mandant_id,
        vorname=daten.vorname,
        nachname=daten.nachname,
        geburtsdatum=daten.geburtsdatum,
        geburtsname=daten.geburtsname,
    )
    if kandidaten and not dubletten_geprueft:
        raise MoeglicheDublette(kandidaten)
    person = Person(
        mandant_id=acting_user.mandant_id,
        kundennummer=new_kundennummer(acting_user.mandant_id),
        vorname=daten.vorname.strip(),
        nachname=daten.nachname.strip(),
        geburtsname=daten.geburtsname.strip(),
        geburtsdatum=daten.geburtsdatum,
        geburtsort=daten.geburtsort.strip(),
        geschlecht=daten.geschlecht,
        staatsangehoerigkeit=daten.staatsangehoerigkeit.upper(),
        telefon=daten.telefon,
        email=daten.email,
        **daten.extra,
    )
    person.full_clean(exclude=["mandant", "kundennummer"])
    person.save()
    record_event(AuditEvent.Typ.PERSON_ANGELEGT, acting_user=acting_user, person_id=person.pk, objekt=person)
    if kandidaten:
        record_event(
            AuditEvent.Typ.DUBLETTE_BESTAETIGT,
            acting_user=acting_user,
            person_id=person.pk,
            details={"kandidaten": [k.person.pk for k in kandidaten]},
        )
    return person


PERSON_AENDERBAR = (
    "vorname",
    "nachname",
    "geburtsname",
    "geburtsdatum",
    "geburtsort",
    "geschlecht",
    "staatsangehoerigkeit",
    "telefon",
    "email",
    "arbeitsmarktstatus",
    "ohne_berufsabschluss",
)


@transaction.atomic(durable=True)
def update_person(person: Person, aenderungen: dict, *, acting_user: User) -> Person:
    """Change master data; the audit event keeps the old and the new values."""
    require_permission(acting_user, "personen.change_person", "Personendaten zu ändern")
    unbekannt = set(aenderungen) - set(PERSON_AENDERBAR)
    if unbekannt:
        raise ValidationError(f"Nicht änderbare Felder: {', '.join(sorted(unbekannt))}")
    person = Person.objects.select_for_update().get(pk=person.pk, mandant_id=acting_user.mandant_id)
    alt, neu = {}, {}
    for feld, wert in aenderungen.items():
        if getattr(person, feld) != wert:
            alt[feld], neu[feld] = getattr(person, feld), wert
            setattr(person, feld, wert)
    if not neu:
        return person
    person.full_clean(exclude=["mandant"])
    person.save()
    record_event(
        AuditEvent.Typ.PERSON_GEAENDERT,
        acting_user=acting_user,
        person_id=person.pk,
        objekt=person,
        details={"alt": alt, "neu": neu},
    )
    return person


def _end_current(queryset, ab: date) -> None:
    """End the open periods of `queryset` the day before `ab` (history is kept, never overwritten)."""
    for row in queryset.filter(gueltig_bis__isnull=True, gueltig_ab__lt=ab):
        row.gueltig_bis = ab - timedelta(days=1)
        row.save(update_fields=["gueltig_bis"])
    queryset.filter(gueltig_bis__isnull=True, gueltig_ab__gte=ab).update(gueltig_bis=ab)


@transaction.atomic(durable=True)
def change_adresse(
    person: Person,
    *,
    strasse: str,
    hausnummer: str,
    plz: str,
    ort: str,
    adresszusatz: str = "",
    gueltig_ab: date,
    acting_user: User,
) -> Adresse:
    """Record a new address from `gueltig_ab`; the previous one ends the day before."""
    require_permission(acting_user, "personen.change_person", "Anschriften zu ändern")
    adresse = Adresse(
        person=person,
        strasse=strasse,
        hausnummer=hausnummer,
        plz=plz,
        ort=ort,
        adresszusatz=adresszusatz,
        gueltig_ab=gueltig_ab,
    )
    adresse.full_clean(exclude=["person"])
    _end_current(person.adressen.all(), gueltig_ab)
    adresse.save()
    record_event(
        AuditEvent.Typ.ADRESSE_GEAENDERT,
        acting_user=acting_user,
        person_id=person.pk,
        objekt=adresse,
        details={"gueltig_ab": gueltig_ab, "plz": plz, "ort": ort},
    )
    return adresse


@transaction.atomic(durable=True)
def change_bankverbindung(
    person: Person, *, iban: str, kontoinhaber: str, bic: str = "", gueltig_ab: date, acting_user: User
) -> Bankverbindung:
    """Record a new bank account (IBAN checked) from `gueltig_ab`."""
    require_permission(acting_user, "personen.change_person", "Bankverbindungen zu ändern")
    konto = Bankverbindung(
        person=person,
        iban=normalize_iban(iban),
        bic=bic.strip().upper(),
        kontoinhaber=kontoinhaber.strip(),
        gueltig_ab=gueltig_ab,
    )
    konto.full_clean(exclude=["person"])
    _end_current(person.bankverbindungen.all(), gueltig_ab)
    konto.save()
    record_event(
        AuditEvent.Typ.BANKVERBINDUNG_GEAENDERT,
        acting_user=acting_user,
        person_id=person.pk,
        objekt=konto,
        details={"iban_ende": konto.iban[-4:], "gueltig_ab": gueltig_ab},
    )
    return konto


@transaction.atomic(durable=True)
def create_bg(
    *,
    haushalt: Haushalt,
    team: Team,
    antragsteller: Person,
    gueltig_ab: date,
    acting_user: User,
    sachbearbeitung: User | None = None,
) -> Bedarfsgemeinschaft:
    """Open a BG in a household with the applicant as its first member."""
    require_permission(acting_user, "personen.add_bedarfsgemeinschaft", "Bedarfsgemeinschaften anzulegen")
    if team.mandant_id != acting_user.mandant_id or haushalt.mandant_id != acting_user.mandant_id:
        raise NotAllowed("Team und Haushalt müssen zu Ihrem Jobcenter gehören.")
    bg = Bedarfsgemeinschaft.objects.create(
        mandant_id=acting_user.mandant_id,
        nummer=next_bg_nummer(acting_user.mandant),
        haushalt=haushalt,
        team=team,
        sachbearbeitung=sachbearbeitung,
    )
    Mitgliedschaft.objects.create(
        person=antragsteller, bedarfsgemeinschaft=bg, rolle=Rolle.ANTRAGSTELLER, gueltig_ab=gueltig_ab
    )
    record_event(
        AuditEvent.Typ.BG_ANGELEGT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=bg.pk,
        person_id=antragsteller.pk,
        objekt=bg,
        details={"nummer": bg.nummer},
    )
    return bg


def next_bg_nummer(mandant) -> str:
    prefix = bg_nummer_praefix(mandant.kreisschluessel)
    last = (
        Bedarfsgemeinschaft.objects.filter(mandant=mandant, nummer__startswith=prefix)
        .order_by("-nummer")
        .values_list("nummer", flat=True)
        .first()
    )
    n = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:07d}"


@transaction.atomic(durable=True)
def add_mitglied(
    bg: Bedarfsgemeinschaft,
    person: Person,
    *,
    rolle: Rolle,
    gueltig_ab: date,
    acting_user: User,
    erwerbsfaehig: bool = True,
) -> Mitgliedschaft:
    """Add a person to a BG from a date (ends an open membership of the person in another BG)."""
    require_permission(acting_user, "personen.change_bedarfsgemeinschaft", "Bedarfsgemeinschaften zu ändern")
    if person.mandant_id != bg.mandant_id:
        raise NotAllowed("Person und Bedarfsgemeinschaft gehören zu verschiedenen Jobcentern.")
    _end_current(person.mitgliedschaften.exclude(bedarfsgemeinschaft=bg), gueltig_ab)
    mitgliedschaft = Mitgliedschaft.objects.create(
        person=person, bedarfsgemeinschaft=bg, rolle=rolle, gueltig_ab=gueltig_ab, erwerbsfaehig=erwerbsfaehig
    )
    record_event(
        AuditEvent.Typ.BG_MITGLIED_AUFGENOMMEN,
        acting_user=acting_user,
        person_id=person.pk,
        bedarfsgemeinschaft_id=bg.pk,
        details={"rolle": rolle, "gueltig_ab": gueltig_ab},
    )
    return mitgliedschaft


@transaction.atomic(durable=True)
def end_mitgliedschaft(
    mitgliedschaft: Mitgliedschaft, *, gueltig_bis: date, acting_user: User
) -> Mitgliedschaft:
    require_permission(acting_user, "personen.change_bedarfsgemeinschaft", "Bedarfsgemeinschaften zu ändern")
    if gueltig_bis < mitgliedschaft.gueltig_ab:
        raise ValidationError({"gueltig_bis": "Das Ende liegt vor dem Beginn der Mitgliedschaft."})
    mitgliedschaft.gueltig_bis = gueltig_bis
    mitgliedschaft.save(update_fields=["gueltig_bis"])
    record_event(
        AuditEvent.Typ.BG_MITGLIED_BEENDET,
        acting_user=acting_user,
        person_id=mitgliedschaft.person_id,
        bedarfsgemeinschaft_id=mitgliedschaft.bedarfsgemeinschaft_id,
        details={"gueltig_bis": gueltig_bis},
    )
    return mitgliedschaft


@transaction.atomic(durable=True)
def change_zustaendigkeit(
    bg: Bedarfsgemeinschaft,
    *,
    team: Team,
    acting_user: User,
    sachbearbeitung: User | None = None,
    fallmanagement: User | None = None,
) -> Bedarfsgemeinschaft:
    require_permission(acting_user, "personen.change_bedarfsgemeinschaft", "Zuständigkeiten zu ändern")
    if team.mandant_id != bg.mandant_id:
        raise NotAllowed("Das Team gehört zu einem anderen Jobcenter.")
    alt = {
        "team": bg.team_id,
        "sachbearbeitung": bg.sachbearbeitung_id,
        "fallmanagement": bg.fallmanagement_id,
    }
    bg.team, bg.sachbearbeitung, bg.fallmanagement = team, sachbearbeitung, fallmanagement
    bg.save(update_fields=["team", "sachbearbeitung", "fallmanagement"])
    record_event(
        AuditEvent.Typ.ZUSTAENDIGKEIT_GEAENDERT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=bg.pk,
        details={
            "alt": alt,
            "neu": {
                "team": team.pk,
                "sachbearbeitung": getattr(sachbearbeitung, "pk", None),
                "fallmanagement": getattr(fallmanagement, "pk", None),
            },
        },
    )
    return bg


# What a merge moves from the dissolved person to the kept one (related names on `Person`).
# Decisions of `leistung` (Antrag, Bewilligung, Zahlung) keep naming the person they were made
# for; the dissolved row stays and points to the kept one, so they remain resolvable.
ZUSAMMENFUEHRUNG_VERSCHIEBT = (
    "mitgliedschaften",
    "adressen",
    "bankverbindungen",
    "beschaeftigungen",
    "dokumente",
)


@transaction.atomic(durable=True)
def merge_persons(behalten: Person, aufloesen: Person, *, acting_user: User, grund: str) -> Person:
    """Merge a duplicate into the person to keep; the caller chose which one survives.

    Memberships, addresses, bank accounts, employments and documents move to `behalten`;
    `aufloesen` stays as a row pointing to it (`zusammengefuehrt_in`), so history and audit
    references remain resolvable. The audit event names every moved row, so `undo_merge` can
    move exactly these back.
    """
    require_permission(acting_user, "personen.merge_person", "Personen zusammenzuführen")
    if behalten.pk == aufloesen.pk:
        raise ValidationError("Eine Person kann nicht mit sich selbst zusammengeführt werden.")
    if {behalten.mandant_id, aufloesen.mandant_id} != {acting_user.mandant_id}:
        raise NotAllowed("Nur Personen Ihres Jobcenters können zusammengeführt werden.")
    gesperrt = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[behalten.pk, aufloesen.pk])
    }
    behalten, aufloesen = gesperrt[behalten.pk], gesperrt[aufloesen.pk]
    for person in (aufloesen, behalten):
        if person.zusammengefuehrt_in_id:
            raise ValidationError(
                f"{person.name} ({person.kundennummer}) wurde bereits mit einer anderen Person "
                "zusammengeführt."
            )
    if not grund.strip():
        raise ValidationError({"grund": "Bitte geben Sie den Grund der Zusammenführung an."})
    _refuse_overlapping_memberships(behalten, aufloesen)
    verschoben = _move_rows(aufloesen, behalten)
    aufloesen.zusammengefuehrt_in = behalten
    aufloesen.save(update_fields=["zusammengefuehrt_in"])
    record_event(
        AuditEvent.Typ.PERSONEN_ZUSAMMENGEFUEHRT,
        acting_user=acting_user,
        person_id=behalten.pk,
        details={
            "aufgeloest": aufloesen.pk,
            "kundennummer_aufgeloest": aufloesen.kundennummer,
            "kundennummer_fortgefuehrt": behalten.kundennummer,
            "verschoben": verschoben,
            "grund": grund.strip(),
        },
    )
    return behalten


def _move_rows(von: Person, nach: Person, *, nur: dict | None = None) -> dict[str, list[int]]:
    """Move a person's rows (all, or only the ids listed per relation) and name the moved ids."""
    bewegt = {}
    for related in ZUSAMMENFUEHRUNG_VERSCHIEBT:
        zeilen = getattr(von, related).all()
        if nur is not None:
            zeilen = zeilen.filter(pk__in=nur.get(related, []))
        bewegt[related] = sorted(zeilen.values_list("pk", flat=True))
        getattr(von, related).filter(pk__in=bewegt[related]).update(person=nach)
    return bewegt


def _refuse_overlapping_memberships(behalten: Person, aufloesen: Person) -> None:
    """One human is in one BG at a time: overlapping memberships must be sorted out first."""
    ende = date.max
    for m in aufloesen.mitgliedschaften.select_related("bedarfsgemeinschaft"):
        for n in behalten.mitgliedschaften.select_related("bedarfsgemeinschaft"):
            if m.gueltig_ab <= (n.gueltig_bis or ende) and n.gueltig_ab <= (m.gueltig_bis or ende):
                raise ValidationError(
                    f"Beide Einträge sind zur selben Zeit Mitglied einer Bedarfsgemeinschaft "
                    f"({m.bedarfsgemeinschaft.nummer} ab {m.gueltig_ab:%d.%m.%Y} und "
                    f"{n.bedarfsgemeinschaft.nummer} ab {n.gueltig_ab:%d.%m.%Y}). Bitte beenden Sie zuerst "
                    "die Mitgliedschaft des aufzulösenden Eintrags, dann führen Sie zusammen."
                )


def merge_event_of(aufgeloest: Person) -> AuditEvent | None:
    """The audit event of the merge that dissolved this person (None if it is not merged)."""
    if not aufgeloest.zusammengefuehrt_in_id:
        return None
    return (
        AuditEvent.objects.filter(
            mandant_id=aufgeloest.mandant_id,
            typ=AuditEvent.Typ.PERSONEN_ZUSAMMENGEFUEHRT,
            person_id=aufgeloest.zusammengefuehrt_in_id,
            details__aufgeloest=aufgeloest.pk,
        )
        .order_by("-seq")
        .first()
    )


@transaction.atomic(durable=True)
def undo_merge(aufgeloest: Person, *, acting_user: User, grund: str) -> Person:
    """Undo a merge from its audit event: the rows it moved go back, the person is active again.

    Rows added to the kept person after the merge stay there. A kept person that was itself
    merged later must be separated first (the rows may have moved on).
    """
    require_permission(acting_user, "personen.merge_person", "Zusammenführungen rückgängig zu machen")
    if aufgeloest.mandant_id != acting_user.mandant_id:
        raise NotAllowed("Nur Personen Ihres Jobcenters können getrennt werden.")
    aufgeloest = Person.objects.select_for_update().get(pk=aufgeloest.pk)
    if not aufgeloest.zusammengefuehrt_in_id:
        raise ValidationError(f"{aufgeloest.name} ({aufgeloest.kundennummer}) ist nicht zusammengeführt.")
    if not grund.strip():
        raise ValidationError(
            {"grund": "Bitte geben Sie an, warum die Zusammenführung rückgängig gemacht wird."}
        )
    behalten = Person.objects.select_for_update().get(pk=aufgeloest.zusammengefuehrt_in_id)
    if behalten.zusammengefuehrt_in_id:
        raise ValidationError(
            f"{behalten.name} ({behalten.kundennummer}) wurde danach selbst zusammengeführt. "
            "Bitte machen Sie zuerst diese spätere Zusammenführung rückgängig."
        )
    event = merge_event_of(aufgeloest)
    verschoben = event.details.get("verschoben", {}) if event else {}
    if event is None or any(not isinstance(ids, list) for ids in verschoben.values()):
        raise ValidationError(
            "Das Protokoll dieser Zusammenführung nennt die verschobenen Einträge nicht; "
            "sie kann nicht automatisch rückgängig gemacht werden."
        )
    zurueck = _move_rows(behalten, aufgeloest, nur=verschoben)
    aufgeloest.zusammengefuehrt_in = None
    aufgeloest.save(update_fields=["zusammengefuehrt_in"])
    record_event(
        AuditEvent.Typ.ZUSAMMENFUEHRUNG_RUECKGAENGIG,
        acting_user=acting_user,
        person_id=aufgeloest.pk,
        details={
            "fortgefuehrt": behalten.pk,
            "kundennummer_fortgefuehrt": behalten.kundennummer,
            "zusammenfuehrung_seq": event.seq,
            "zurueck": zurueck,
            "grund": grund.strip(),
        },
    )
    return aufgeloest


@transaction.atomic
def start_leistungsbezug(bg: Bedarfsgemeinschaft, *, ab: date, acting_user: User) -> Bedarfsgemeinschaft:
    """Mark the BG as receiving benefits from `ab` (called by the grant of an Antrag).

    An uninterrupted receipt keeps its original start (it drives the Karenzzeit of § 22 Abs. 1
    and, up to 2026-06-30, § 12 Abs. 3 SGB II); a new receipt after an end starts afresh.
    Not durable: the granting action in `leistung` calls it inside its own transaction.
    """
    bg = Bedarfsgemeinschaft.objects.select_for_update().get(pk=bg.pk)
    alt = {"status": bg.status, "leistungsbezug_seit": bg.leistungsbezug_seit}
    if bg.status != Bedarfsgemeinschaft.Status.AKTIV or bg.leistungsbezug_seit is None:
        bg.leistungsbezug_seit = ab
    bg.status = Bedarfsgemeinschaft.Status.AKTIV
    bg.save(update_fields=["status", "leistungsbezug_seit"])
    record_event(
        AuditEvent.Typ.BG_GEAENDERT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=bg.pk,
        details={"alt": alt, "neu": {"status": bg.status, "leistungsbezug_seit": bg.leistungsbezug_seit}},
    )
    return bg


@transaction.atomic
def end_leistungsbezug(bg: Bedarfsgemeinschaft, *, acting_user: User) -> Bedarfsgemeinschaft:
    """Mark the BG as no longer receiving benefits (the history stays in `leistung`)."""
    bg = Bedarfsgemeinschaft.objects.select_for_update().get(pk=bg.pk)
    bg.status = Bedarfsgemeinschaft.Status.BEENDET
    bg.save(update_fields=["status"])
    record_event(
        AuditEvent.Typ.BG_GEAENDERT,
        acting_user=acting_user,
        bedarfsgemeinschaft_id=bg.pk,
        details={"neu": {"status": bg.status}},
    )
    return bg
