"""Permission-checked reads of Anträge, Berechnungen, Bewilligungen and Zahlläufe, and the worklists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from vorort.core.audit import record_event
from vorort.core.exceptions import NotFound
from vorort.core.models import AuditEvent, Rolle, Team, User
from vorort.leistung.eingabe import plus_monate
from vorort.leistung.models import (
    Antrag,
    AntragPerson,
    Berechnung,
    Bewilligung,
    Einkommen,
    Schreiben,
    Unterlage,
    Zahllauf,
    Zahlung,
    Zahlungsdatei,
)
from vorort.personen.models import Bedarfsgemeinschaft
from vorort.personen.selectors import bg_kurznamen


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


def access_einkommen(user: User, antrag_id: int, person_id: int, einkommen_id: int) -> Einkommen:
    """Return one income of a person in an Antrag the user may see; others look missing."""
    ap = access_antrag_person(user, antrag_id, person_id)
    try:
        return ap.antrag.einkommen.select_related("antrag").get(pk=einkommen_id, person_id=person_id)
    except Einkommen.DoesNotExist:
        raise NotFound("Einkommen nicht gefunden.") from None


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
    """Return a letter of a BG the user may see, with its filed Dokument; the read is recorded
    (`DOKUMENT_GELESEN`, with the addressee and the BG, so it is found under every member)."""
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
        AuditEvent.Typ.DOKUMENT_GELESEN,
        acting_user=user,
        person_id=schreiben.dokument.person_id,
        bedarfsgemeinschaft_id=schreiben.bedarfsgemeinschaft_id,
        objekt=schreiben.dokument,
        zweck=f"Schreiben heruntergeladen: {schreiben.dokument.titel}",
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


class Vorrat(models.TextChoices):
    """The worklists of the benefits team (Arbeitsvorrat), one tab each."""

    ANTRAEGE = "antraege", "Offene Anträge"
    FREIGABEN = "freigaben", "Warten auf Freigabe"
    WEITERBEWILLIGUNG = "weiterbewilligung", "Weiterbewilligung fällig"
    UNTERLAGEN = "unterlagen", "Unterlagen über der Frist"


@dataclass(frozen=True)
class Sortierung:
    key: str
    label: str
    order_by: tuple[str, ...]


#: The orders each list offers; the first is the default, most urgent first.
SORTIERUNGEN: dict[Vorrat, tuple[Sortierung, ...]] = {
    Vorrat.ANTRAEGE: (
        Sortierung(
            "dringlichkeit",
            "Dringlichkeit: Erstanträge zuerst, dann nach Leistungsbeginn",
            ("rang", "leistungsbeginn", "antragsdatum", "pk"),
        ),
        Sortierung("eingang", "Eingang: älteste zuerst", ("antragsdatum", "pk")),
        Sortierung("eingang_neu", "Eingang: neueste zuerst", ("-antragsdatum", "-pk")),
    ),
    Vorrat.FREIGABEN: (
        Sortierung("wartezeit", "Wartezeit: längste zuerst", ("erstellt_am", "pk")),
        Sortierung("beginn", "Beginn des Zeitraums: früheste zuerst", ("von", "erstellt_am", "pk")),
    ),
    Vorrat.WEITERBEWILLIGUNG: (
        Sortierung("frist", "Ende des Bewilligungszeitraums: früheste zuerst", ("bis", "pk")),
        Sortierung("bg", "BG-Nummer", ("bedarfsgemeinschaft__nummer", "pk")),
    ),
    Vorrat.UNTERLAGEN: (
        Sortierung("frist", "Frist: am längsten abgelaufen zuerst", ("frist", "pk")),
        Sortierung("bg", "BG-Nummer", ("antrag__bedarfsgemeinschaft__nummer", "frist", "pk")),
    ),
}

#: How each list reaches its BG (for the Zuständigkeit filters and the names).
_BG = {
    Vorrat.ANTRAEGE: "bedarfsgemeinschaft",
    Vorrat.FREIGABEN: "bedarfsgemeinschaft",
    Vorrat.WEITERBEWILLIGUNG: "bedarfsgemeinschaft",
    Vorrat.UNTERLAGEN: "antrag__bedarfsgemeinschaft",
}
JE_SEITE = 50
MEINE = "meine"
TEAM = "team"


def _vorrat(user: User, liste: Vorrat, heute: date) -> QuerySet:
    """The entries of one worklist that the user may see, unordered and unfiltered by Zuständigkeit."""
    antraege = Antrag.objects.visible_to(user)
    if liste == Vorrat.ANTRAEGE:
        return antraege.offen().annotate(
            rang=Case(When(art=Antrag.Art.ERSTANTRAG, then=Value(0)), default=Value(1))
        )
    if liste == Vorrat.UNTERLAGEN:
        return Unterlage.objects.filter(
            antrag__in=antraege.offen(), eingegangen_am__isnull=True, frist__lt=heute
        )
    bewilligungen = Bewilligung.objects.visible_to(user)
    if liste == Vorrat.FREIGABEN:
        return bewilligungen.zur_freigabe_fuer(user)
    neuere = Bewilligung.objects.filter(
        bedarfsgemeinschaft_id=OuterRef("bedarfsgemeinschaft_id"),
        von__gt=OuterRef("bis"),
        status__in=[Bewilligung.Status.BEWILLIGT, Bewilligung.Status.FREIGABE_AUSSTEHEND],
    )
    offener_wba = Antrag.objects.offen().filter(
        bedarfsgemeinschaft_id=OuterRef("bedarfsgemeinschaft_id"), art=Antrag.Art.WEITERBEWILLIGUNG
    )
    return bewilligungen.filter(
        status=Bewilligung.Status.BEWILLIGT, bis__gte=heute, bis__lt=plus_monate(heute.replace(day=1), 3)
    ).filter(~Exists(neuere), ~Exists(offener_wba))


def _team_ids(user: User) -> list[int]:
    return [team.pk for team in _teams(user)]


def _teams(user: User) -> list[Team]:
    """The user's teams, read once per request; their ids also serve `zustaendigkeit_q` (need to know)."""
    if not hasattr(user, "_vorort_teams"):
        user._vorort_teams = list(user.teams.order_by("name"))
        user._vorort_team_ids = [team.pk for team in user._vorort_teams]
    return user._vorort_teams


def zustaendigkeiten(user: User) -> list[tuple[str, str]]:
    """The Zuständigkeit filters the user can choose, as (key, label); the default first.

    "meine": BGs whose Leistungssachbearbeitung is the user, and BGs of the user's teams that no one
    is assigned to yet (so a new Erstantrag is never hidden). "team": every BG the user may see.
    With several teams, each team on its own too. A Teamleitung starts with her teams.
    """
    teams = _teams(user)
    if user.has_perm("core.view_alle_faelle"):
        alle = "Alle Teams"
    elif len(teams) > 1:
        alle = "Alle meine Teams"
    else:
        alle = f"Mein Team ({teams[0].name})" if teams else "Mein Team"
    optionen = [(MEINE, "Meine Fälle"), (TEAM, alle)]
    if len(teams) > 1:
        optionen += [(f"{TEAM}-{team.pk}", f"Team {team.name}") for team in teams]
    if user.has_perm("core.view_alle_faelle") or Rolle.TEAMLEITUNG in user.rollen:
        optionen[0], optionen[1] = optionen[1], optionen[0]
    return optionen


def team_hinweis(user: User) -> str:
    """What "team" covers for the user, in words (start panel)."""
    if user.has_perm("core.view_alle_faelle"):
        return "alle Fälle des Jobcenters"
    namen = ", ".join(team.name for team in _teams(user))
    return f"alle Fälle Ihrer Teams ({namen})" if len(_teams(user)) > 1 else f"alle Fälle von {namen}"


def _zustaendig_q(user: User, wer: str, bg: str) -> Q | None:
    """The filter on the BG (reached by the path `bg`) for the choice `wer`; None for every visible BG."""
    if wer == MEINE:
        return Q(**{f"{bg}__sachbearbeitung_id": user.pk}) | Q(
            **{f"{bg}__sachbearbeitung__isnull": True, f"{bg}__team_id__in": _team_ids(user)}
        )
    if wer.startswith(f"{TEAM}-"):
        return Q(**{f"{bg}__team_id": int(wer.removeprefix(f"{TEAM}-"))})
    return None


def _zaehlen(user: User, heute: date, filter: dict[str, str]) -> dict[Vorrat, dict[str, int]]:
    """Entries per worklist for each named Zuständigkeit filter: one query per list, whatever the rows."""
    zahlen = {}
    for liste in Vorrat:
        anzahl = {}
        for name, wer in filter.items():
            q = _zustaendig_q(user, wer, _BG[liste])
            anzahl[name] = Count("pk", filter=q) if q is not None else Count("pk")
        zahlen[liste] = _vorrat(user, liste, heute).order_by().aggregate(**anzahl)
    return zahlen


@dataclass(frozen=True)
class Zeile:
    """One entry of a worklist with its BG (caseworker and team joined) and the BG's short name."""

    eintrag: Antrag | Bewilligung | Unterlage
    bg: Bedarfsgemeinschaft
    name: str
    tage: int  # waiting since (Antrag, Freigabe), overdue since (Unterlage), left until the end (WBA)


@dataclass
class Arbeitsvorrat:
    liste: Vorrat
    wer: str
    zustaendigkeiten: list[tuple[str, str]]
    sortierung: Sortierung
    anzahl: dict[Vorrat, int]
    seite: Page
    zeilen: list[Zeile]

    @property
    def sortierungen(self) -> tuple[Sortierung, ...]:
        return SORTIERUNGEN[self.liste]


def arbeitsvorrat_for_user(
    user: User,
    *,
    liste: str = "",
    wer: str = "",
    sortierung: str = "",
    seite: str | int = 1,
    heute: date | None = None,
) -> Arbeitsvorrat:
    """One page of one worklist, filtered by Zuständigkeit and sorted, with every list's total.

    Unknown choices fall back to the defaults. Queries do not grow with the rows: the user's teams,
    one count per list, the page with BG, caseworker and team joined, and the page's names.
    """
    heute = heute or timezone.localdate()
    liste = Vorrat(liste) if liste in Vorrat.values else Vorrat.ANTRAEGE
    optionen = zustaendigkeiten(user)
    wer = wer if wer in dict(optionen) else optionen[0][0]
    sortierungen = {s.key: s for s in SORTIERUNGEN[liste]}
    gewaehlt = sortierungen.get(sortierung, SORTIERUNGEN[liste][0])
    anzahl = {name: werte["anzahl"] for name, werte in _zaehlen(user, heute, {"anzahl": wer}).items()}
    bg = _BG[liste]
    eintraege = _vorrat(user, liste, heute)
    if (q := _zustaendig_q(user, wer, bg)) is not None:
        eintraege = eintraege.filter(q)
    eintraege = eintraege.select_related(
        bg, f"{bg}__sachbearbeitung", f"{bg}__team", *(["erstellt_von"] if liste == Vorrat.FREIGABEN else [])
    ).order_by(*gewaehlt.order_by)
    paginator = Paginator(eintraege, JE_SEITE)
    paginator.count = anzahl[liste]  # counted above; no second COUNT
    page = paginator.get_page(seite)
    bgs = [
        e.antrag.bedarfsgemeinschaft if liste == Vorrat.UNTERLAGEN else e.bedarfsgemeinschaft for e in page
    ]
    namen = bg_kurznamen([b.pk for b in bgs], stichtag=heute)
    return Arbeitsvorrat(
        liste=liste,
        wer=wer,
        zustaendigkeiten=optionen,
        sortierung=gewaehlt,
        anzahl=anzahl,
        seite=page,
        zeilen=[
            Zeile(e, b, namen.get(b.pk, ""), _tage(liste, e, heute)) for e, b in zip(page, bgs, strict=True)
        ],
    )


def _tage(liste: Vorrat, eintrag, heute: date) -> int:
    if liste == Vorrat.ANTRAEGE:
        return (heute - eintrag.antragsdatum).days
    if liste == Vorrat.FREIGABEN:
        return (heute - timezone.localdate(eintrag.erstellt_am)).days
    if liste == Vorrat.WEITERBEWILLIGUNG:
        return (eintrag.bis - heute).days
    return (heute - eintrag.frist).days


@dataclass
class LeistungenDerBg:
    bg_id: int
    antraege: list[Antrag]
    bewilligungen: list[Bewilligung]
    zahlungen: Page


ZAHLUNGEN_JE_SEITE = 12


def leistungen_for_bg(user: User, bg_id: int, *, limit: int = 24, seite: str = "") -> LeistungenDerBg:
    """Anträge, Bewilligungen and one page of Zahlungen (newest first) of one BG, as far as the user
    may see them; a missing or bad page number gives the first page."""
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
        zahlungen=Paginator(
            zahlungen.order_by("-zahlmonat", "empfaenger", "pk"), ZAHLUNGEN_JE_SEITE
        ).get_page(seite),
    )


@dataclass(frozen=True)
class Aufgabe:
    liste: Vorrat
    meine: int
    team: int


def aufgabenzahlen_for_user(user: User, *, heute: date | None = None) -> list[Aufgabe]:
    """How many entries each worklist holds for the user: own cases and the team's (start page panel)."""
    zahlen = _zaehlen(user, heute or timezone.localdate(), {MEINE: MEINE, TEAM: TEAM})
    return [Aufgabe(liste, werte[MEINE], werte[TEAM]) for liste, werte in zahlen.items()]


@dataclass
class DokumenteDerBg:
    """The "Dokumente" tab of a BG's file: its letters, other filed documents, and granted decisions
    whose Bescheid was never filed (the demo history; decision 0412)."""

    schreiben: list[Schreiben]
    andere: list
    ohne_bescheid: list[Bewilligung]


def _dokumente(schreiben: QuerySet[Schreiben], andere, ohne_bescheid) -> DokumenteDerBg:
    liste = list(schreiben.select_related("dokument", "bewilligung").order_by("-erstellt_am", "-pk"))
    liste.sort(key=lambda s: s.datum, reverse=True)
    return DokumenteDerBg(liste, list(andere.exclude(pk__in=[s.dokument_id for s in liste])), ohne_bescheid)


def dokumente_for_bg(user: User, bg_id: int) -> DokumenteDerBg:
    """Letters newest first with their Dokument, as far as the user may see them (three queries)."""
    from vorort.akte.models import Dokument

    if not user.has_perm("leistung.view_bewilligung") or not user.has_perm("akte.view_dokument"):
        return DokumenteDerBg([], [], [])
    sichtbar = Bewilligung.objects.visible_to(user).filter(bedarfsgemeinschaft_id=bg_id)
    schreiben = Schreiben.objects.filter(
        mandant_id=user.mandant_id, bedarfsgemeinschaft_id__in=sichtbar.values("bedarfsgemeinschaft_id")
    )
    bescheide = Schreiben.objects.filter(
        bewilligung_id=OuterRef("pk"), art=Schreiben.Art.BEWILLIGUNGSBESCHEID
    )
    ohne_bescheid = list(
        sichtbar.filter(status=Bewilligung.Status.BEWILLIGT).filter(~Exists(bescheide)).order_by("-von")
    )
    andere = Dokument.objects.visible_to(user).filter(bedarfsgemeinschaft_id=bg_id)
    return _dokumente(schreiben, andere, ohne_bescheid)


def dokumente_for_person(user: User, person_id: int) -> DokumenteDerBg:
    """The letters addressed to a person and the documents filed for them (the person's file)."""
    from vorort.akte.models import Dokument

    if not user.has_perm("leistung.view_bewilligung") or not user.has_perm("akte.view_dokument"):
        return DokumenteDerBg([], [], [])
    sichtbar = Dokument.objects.visible_to(user).filter(person_id=person_id)
    schreiben = Schreiben.objects.filter(mandant_id=user.mandant_id, dokument__in=sichtbar)
    return _dokumente(schreiben, sichtbar, [])
