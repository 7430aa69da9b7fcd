"""Permission-checked reads of Anträge, Berechnungen, Bewilligungen and Zahlläufe, and the worklists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from vorort.core.audit import record_event
from vorort.core.exceptions import NotFound
from vorort.core.models import AuditEvent, User
from vorort.leistung.eingabe import plus_monate
from vorort.leistung.models import (
    Antrag,
    AntragPerson,
    Berechnung,
    Bewilligung,
    Schreiben,
    Unterlage,
    Zahllauf,
    Zahlung,
    Zahlungsdatei,
)


def access_antrag_by_id(user: User, antrag_id: int, *, zweck: str = "") -> Antrag:
    """Return the Antrag if the user may see it; the read of the BG's file is recorded with a `zweck`."""
    try:
        antrag = Antrag.objects.visible_to(user).select_related("bedarfsgemeinschaft").get(pk=antrag_id)
    except Antrag.DoesNotExist:
        raise NotFound("Antrag nicht gefunden.") from None
    if zweck:
        record_event(
            AuditEvent.Typ.BG_GELESEN,
            acting_user=user,
            bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
            zweck=zweck,
        )
    return antrag


def access_antrag_person(user: User, antrag_id: int, person_id: int) -> AntragPerson:
    """Return one person's facts in an Antrag the user may see; other persons look missing."""
    antrag = access_antrag_by_id(user, antrag_id)
    try:
        personen = antrag.personen.select_related("person", "antrag__bedarfsgemeinschaft")
        return personen.get(person_id=person_id)
    except AntragPerson.DoesNotExist:
        raise NotFound("Person im Antrag nicht gefunden.") from None


def antraege_for_bg(user: User, bg_id: int) -> QuerySet[Antrag]:
    antraege = Antrag.objects.visible_to(user).filter(bedarfsgemeinschaft_id=bg_id)
    return antraege.select_related("bedarfsgemeinschaft")


def berechnungen_for_bg(user: User, bg_id: int) -> QuerySet[Berechnung]:
    return (
        Berechnung.objects.visible_to(user)
        .filter(bedarfsgemeinschaft_id=bg_id)
        .select_related("antrag", "erstellt_von")
    )


def bewilligungen_for_bg(user: User, bg_id: int) -> QuerySet[Bewilligung]:
    return (
        Bewilligung.objects.visible_to(user)
        .filter(bedarfsgemeinschaft_id=bg_id)
        .select_related("bedarfsgemeinschaft", "erstellt_von", "freigegeben_von")
    )


def access_berechnung_by_id(user: User, berechnung_id: int) -> Berechnung:
    try:
        return (
            Berechnung.objects.visible_to(user)
            .select_related("antrag", "antrag__bedarfsgemeinschaft", "erstellt_von")
            .get(pk=berechnung_id)
        )
    except Berechnung.DoesNotExist:
        raise NotFound("Berechnung nicht gefunden.") from None


def access_bewilligung_by_id(user: User, bewilligung_id: int) -> Bewilligung:
    try:
        return (
            Bewilligung.objects.visible_to(user)
            .select_related("antrag", "bedarfsgemeinschaft", "erstellt_von", "freigegeben_von")
            .get(pk=bewilligung_id)
        )
    except Bewilligung.DoesNotExist:
        raise NotFound("Bewilligung nicht gefunden.") from None


def access_schreiben_by_id(user: User, schreiben_id: int) -> Schreiben:
    """Return a letter of a BG the user may see, with its filed Dokument; the read is recorded."""
    if not user.has_perm("leistung.view_bewilligung") or not user.has_perm("akte.view_dokument"):
        raise NotFound("Schreiben nicht gefunden.")
    sichtbar = Bewilligung.objects.visible_to(user).values("bedarfsgemeinschaft_id")
    try:
        schreiben = Schreiben.objects.select_related("dokument").get(
            pk=schreiben_id, mandant_id=user.mandant_id, bedarfsgemeinschaft_id__in=sichtbar
        )
    except Schreiben.DoesNotExist:
        raise NotFound("Schreiben nicht gefunden.") from None
    record_event(
        AuditEvent.Typ.BG_GELESEN,
        acting_user=user,
        bedarfsgemeinschaft_id=schreiben.bedarfsgemeinschaft_id,
        zweck=f"Schreiben geöffnet: {schreiben.dokument.titel}",
    )
    return schreiben


def zahllaeufe_for_mandant(user: User) -> QuerySet[Zahllauf]:
    if not user.has_perm("leistung.view_zahllauf"):
        return Zahllauf.objects.none()
    return Zahllauf.objects.filter(mandant_id=user.mandant_id).select_related("job")


def access_zahllauf_by_id(user: User, zahllauf_id: int) -> Zahllauf:
    try:
        return zahllaeufe_for_mandant(user).get(pk=zahllauf_id)
    except Zahllauf.DoesNotExist:
        raise NotFound("Zahllauf nicht gefunden.") from None


def access_zahlungsdatei(user: User, zahllauf_id: int, nummer: int) -> Zahlungsdatei:
    """Return one SEPA file of a Zahllauf of the user's Mandant (payment runs are Mandant-wide)."""
    zahllauf = access_zahllauf_by_id(user, zahllauf_id)
    try:
        return zahllauf.dateien.select_related("dokument", "zahllauf").get(nummer=nummer)
    except Zahlungsdatei.DoesNotExist:
        raise NotFound("Zahlungsdatei nicht gefunden.") from None


@dataclass
class Arbeitsvorrat:
    offene_antraege: list[Antrag]
    weiterbewilligung_faellig: list[Bewilligung]
    freigaben: list[Bewilligung]
    unterlagen_ueberfaellig: list[Unterlage]


def arbeitsvorrat_for_user(user: User, *, heute: date | None = None, limit: int = 50) -> Arbeitsvorrat:
    """The four worklists of the benefits team, each limited to what the user may see."""
    heute = heute or timezone.localdate()
    antraege = Antrag.objects.visible_to(user)
    bewilligungen = Bewilligung.objects.visible_to(user)
    neuere = Bewilligung.objects.filter(
        bedarfsgemeinschaft_id=OuterRef("bedarfsgemeinschaft_id"),
        von__gt=OuterRef("bis"),
        status__in=[Bewilligung.Status.BEWILLIGT, Bewilligung.Status.FREIGABE_AUSSTEHEND],
    )
    offener_wba = Antrag.objects.offen().filter(
        bedarfsgemeinschaft_id=OuterRef("bedarfsgemeinschaft_id"), art=Antrag.Art.WEITERBEWILLIGUNG
    )
    return Arbeitsvorrat(
        offene_antraege=list(
            antraege.offen().select_related("bedarfsgemeinschaft").order_by("antragsdatum")[:limit]
        ),
        weiterbewilligung_faellig=list(
            bewilligungen.filter(
                status=Bewilligung.Status.BEWILLIGT,
                bis__gte=heute,
                bis__lt=plus_monate(heute.replace(day=1), 3),
            )
            .filter(~Exists(neuere), ~Exists(offener_wba))
            .select_related("bedarfsgemeinschaft")
            .order_by("bis")[:limit]
        ),
        freigaben=list(
            bewilligungen.filter(status=Bewilligung.Status.FREIGABE_AUSSTEHEND)
            .exclude(erstellt_von=user)
            .select_related("bedarfsgemeinschaft", "erstellt_von")
            .order_by("erstellt_am")[:limit]
        ),
        unterlagen_ueberfaellig=list(
            Unterlage.objects.filter(
                antrag__in=antraege.offen(), eingegangen_am__isnull=True, frist__lt=heute
            )
            .select_related("antrag__bedarfsgemeinschaft")
            .order_by("frist")[:limit]
        ),
    )


@dataclass
class LeistungenDerBg:
    bg_id: int
    antraege: list[Antrag]
    bewilligungen: list[Bewilligung]
    zahlungen: list[Zahlung]


def leistungen_for_bg(user: User, bg_id: int, *, limit: int = 24) -> LeistungenDerBg:
    """Anträge, Bewilligungen and the latest Zahlungen of one BG, as far as the user may see them."""
    zahlungen = Zahlung.objects.none()
    if user.has_perm("leistung.view_bewilligung"):
        sichtbar = Bewilligung.objects.visible_to(user).filter(bedarfsgemeinschaft_id=bg_id)
        zahlungen = Zahlung.objects.filter(
            mandant_id=user.mandant_id, bedarfsgemeinschaft_id__in=sichtbar.values("bedarfsgemeinschaft_id")
        )
    return LeistungenDerBg(
        bg_id=bg_id,
        antraege=list(Antrag.objects.visible_to(user).filter(bedarfsgemeinschaft_id=bg_id)[:limit]),
        bewilligungen=list(
            Bewilligung.objects.visible_to(user)
            .filter(bedarfsgemeinschaft_id=bg_id)
            .select_related("erstellt_von", "freigegeben_von")[:limit]
        ),
        zahlungen=list(zahlungen.order_by("-zahlmonat", "empfaenger")[:limit]),
    )


@dataclass
class Aufgabenzahlen:
    offene_antraege: int
    weiterbewilligung_faellig: int
    freigaben: int
    unterlagen_ueberfaellig: int


def aufgabenzahlen_for_user(user: User, *, heute: date | None = None) -> Aufgabenzahlen:
    """How many entries each worklist holds for the user (start page panel)."""
    heute = heute or timezone.localdate()
    antraege = Antrag.objects.visible_to(user)
    bewilligungen = Bewilligung.objects.visible_to(user)
    neuere = Bewilligung.objects.filter(
        bedarfsgemeinschaft_id=OuterRef("bedarfsgemeinschaft_id"),
        von__gt=OuterRef("bis"),
        status__in=[Bewilligung.Status.BEWILLIGT, Bewilligung.Status.FREIGABE_AUSSTEHEND],
    )
    offener_wba = Antrag.objects.offen().filter(
        bedarfsgemeinschaft_id=OuterRef("bedarfsgemeinschaft_id"), art=Antrag.Art.WEITERBEWILLIGUNG
    )
    return Aufgabenzahlen(
        offene_antraege=antraege.offen().count(),
        weiterbewilligung_faellig=bewilligungen.filter(
            status=Bewilligung.Status.BEWILLIGT, bis__gte=heute, bis__lt=plus_monate(heute.replace(day=1), 3)
        )
        .filter(~Exists(neuere), ~Exists(offener_wba))
        .count(),
        freigaben=bewilligungen.filter(status=Bewilligung.Status.FREIGABE_AUSSTEHEND)
        .exclude(erstellt_von=user)
        .count(),
        unterlagen_ueberfaellig=Unterlage.objects.filter(
            antrag__in=antraege.offen(), eingegangen_am__isnull=True, frist__lt=heute
        ).count(),
    )
