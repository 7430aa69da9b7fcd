"""Permission-checked reads of persons and Bedarfsgemeinschaften.

Opening a person's or a BG's file records a read event (`access_*` with `zweck`). Searches
record one event with the query and the number of hits, not one per hit.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

from vorort.core.audit import record_event
from vorort.core.exceptions import NotFound
from vorort.core.models import AuditEvent, User
from vorort.personen.dubletten import Dublettenhinweis, duplicate_candidates
from vorort.personen.models import (
    Adresse,
    Bedarfsgemeinschaft,
    Haushalt,
    Mitgliedschaft,
    Person,
    Rolle,
    bg_nummer_praefix,
)
from vorort.personen.normalize import fold, kundennummer, phonetik

SUCHE_MAX_TREFFER = 50
#: Longest query and most terms a search takes (a person is found by name, date and number; each
#: term is one more condition, and a database refuses a condition tree beyond its depth limit).
SUCHE_MAX_ZEICHEN = 200
SUCHE_MAX_BEGRIFFE = 10
_STEUERZEICHEN = re.compile(r"[\x00-\x1f\x7f]")
_KANDIDATEN_MAX = 300
_DATUM = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_KUNDENNUMMER = re.compile(r"^K\d{4,}$", re.IGNORECASE)
_KUNDENNUMMER_OHNE_K = re.compile(r"^\d{8,9}$")
# "15088BG0000042", "BG0000042", "BG42" and "42" all mean BG 15088BG0000042 of a Mandant with
# Kreisschlüssel 15088: the Kreisschlüssel and the leading zeros are optional.
_BG_NUMMER = re.compile(r"^(?:(\d{5})?BG)?(\d{1,7})$", re.IGNORECASE)
_BG_LEERZEICHEN = re.compile(r"\bBG\s+(?=\d)", re.IGNORECASE)


def access_person_by_id(user: User, person_id: int, *, zweck: str = "") -> Person:
    """Return the person if the user may see them; missing and forbidden look the same.

    With a `zweck` (the screen or purpose), the read is recorded in the audit log.
    """
    try:
        person = Person.objects.visible_to(user).get(pk=person_id)
    except Person.DoesNotExist:
        raise NotFound("Person nicht gefunden.") from None
    if zweck:
        record_event(AuditEvent.Typ.PERSON_GELESEN, acting_user=user, person_id=person.pk, zweck=zweck)
    return person


def access_bg_by_id(user: User, bg_id: int, *, zweck: str = "") -> Bedarfsgemeinschaft:
    """Return the BG if the user may see it; the read is recorded when a `zweck` is given."""
    bgs = Bedarfsgemeinschaft.objects.visible_to(user).select_related("haushalt", "team", "sachbearbeitung")
    try:
        bg = bgs.get(pk=bg_id)
    except Bedarfsgemeinschaft.DoesNotExist:
        raise NotFound("Bedarfsgemeinschaft nicht gefunden.") from None
    if zweck:
        record_event(AuditEvent.Typ.BG_GELESEN, acting_user=user, bedarfsgemeinschaft_id=bg.pk, zweck=zweck)
    return bg


def bgs_of_person(user: User, person: Person, *, stichtag: date | None = None) -> QuerySet[Mitgliedschaft]:
    """The person's memberships in BGs the user may see, newest first (all periods, or one day)."""
    mitgliedschaften = Mitgliedschaft.objects.filter(
        person=person, bedarfsgemeinschaft__in=Bedarfsgemeinschaft.objects.visible_to(user).values("pk")
    ).select_related("bedarfsgemeinschaft", "bedarfsgemeinschaft__team")
    if stichtag is not None:
        mitgliedschaften = mitgliedschaften.gueltig_am(stichtag)
    return mitgliedschaften.order_by("-gueltig_ab")


def members_of_bg(bg: Bedarfsgemeinschaft, *, stichtag: date | None = None) -> QuerySet[Mitgliedschaft]:
    """Members of a BG the caller already accessed; today's members by default."""
    stichtag = stichtag or timezone.localdate()
    return (
        bg.mitgliedschaften.gueltig_am(stichtag)
        .select_related("person")
        .order_by("rolle", "person__geburtsdatum")
    )


_ROLLEN_FOLGE = {Rolle.ANTRAGSTELLER: 0, Rolle.PARTNER: 1, Rolle.KIND: 2, Rolle.SONSTIGE: 3}


@dataclass(frozen=True)
class BgName:
    """Who a BG is, for people: its first member (applicant, partner, then by age) and how many more."""

    nachname: str
    vorname: str
    weitere: int

    @property
    def kurz(self) -> str:
        """For lists: "Schmidt, Susanne (+2)"."""
        return f"{self.nachname}, {self.vorname}" + (f" (+{self.weitere})" if self.weitere else "")

    @property
    def lang(self) -> str:
        """For headings: "Schmidt, Susanne und 2 weitere"."""
        if not self.weitere:
            return f"{self.nachname}, {self.vorname}"
        weitere = "1 weitere Person" if self.weitere == 1 else f"{self.weitere} weitere"
        return f"{self.nachname}, {self.vorname} und {weitere}"

    def __str__(self) -> str:
        return self.kurz


def bg_namen(bg_ids: Iterable[int], *, stichtag: date | None = None) -> dict[int, BgName]:
    """The names of BGs by their members on the day, in one query.

    The caller passes only BGs the user may see (it already filtered them by `visible_to`); a BG
    without members on the day is missing from the result.
    """
    stichtag = stichtag or timezone.localdate()
    mitglieder: dict[int, list[tuple]] = {}
    zeilen = (
        Mitgliedschaft.objects.gueltig_am(stichtag)
        .filter(bedarfsgemeinschaft_id__in=list(bg_ids))
        .values_list(
            "bedarfsgemeinschaft_id", "rolle", "person__geburtsdatum", "person__nachname", "person__vorname"
        )
    )
    for bg_id, rolle, geburtsdatum, nachname, vorname in zeilen:
        mitglieder.setdefault(bg_id, []).append(
            (_ROLLEN_FOLGE.get(rolle, 9), geburtsdatum, nachname, vorname)
        )
    namen = {}
    for bg_id, personen in mitglieder.items():
        _rang, _geburtsdatum, nachname, vorname = min(personen)
        namen[bg_id] = BgName(nachname, vorname, len(personen) - 1)
    return namen


def bg_kurznamen(bg_ids: Iterable[int], *, stichtag: date | None = None) -> dict[int, str]:
    """Short names of BGs for lists: "Schmidt, Susanne (+2)" (see `bg_namen`)."""
    return {bg_id: name.kurz for bg_id, name in bg_namen(bg_ids, stichtag=stichtag).items()}


@dataclass(frozen=True)
class Suchtreffer:
    person: Person
    score: float
    grund: str


@dataclass(frozen=True)
class Suchergebnis:
    """The best `limit` hits and how many there are in all (`zu_viele`: ask to narrow down)."""

    treffer: list[Suchtreffer]
    anzahl: int

    @property
    def zu_viele(self) -> bool:
        return self.anzahl > len(self.treffer)


def pruefe_suchbegriff(query: str) -> None:
    """Refuse a query longer than a search needs, with a German message (`ValidationError`)."""
    if len(query) > SUCHE_MAX_ZEICHEN:
        raise ValidationError(
            f"Der Suchbegriff ist zu lang ({len(query)} Zeichen, höchstens {SUCHE_MAX_ZEICHEN}). "
            "Bitte mit Name, Geburtsdatum, Kundennummer oder BG-Nummer suchen."
        )
    if len(query.split()) > SUCHE_MAX_BEGRIFFE:
        raise ValidationError(
            f"Bitte höchstens {SUCHE_MAX_BEGRIFFE} Suchbegriffe eingeben (eingegeben: {len(query.split())}), "
            "zum Beispiel Name und Geburtsdatum."
        )


def search_persons(user: User, query: str, *, limit: int = SUCHE_MAX_TREFFER) -> Suchergebnis:
    """Find persons by name (typo-tolerant, umlauts folded), birth date, Kundennummer or BG-Nummer.

    Several terms narrow the search: "Müller 12.03.1985" finds Müllers born on that day.
    Name terms match by prefix of the folded name or by equal Kölner Phonetik, so "Mueller",
    "Müller" and "Möller" find each other; candidates are ranked by string similarity.
    A two-digit year means either century ("7.3.64"), a Kundennummer may lack its K, a BG
    number its Kreisschlüssel and leading zeros ("BG 42"). Every term is an indexed equality.
    A query beyond `SUCHE_MAX_ZEICHEN` or `SUCHE_MAX_BEGRIFFE` raises `ValidationError`.
    """
    pruefe_suchbegriff(query)
    terms = _BG_LEERZEICHEN.sub("BG", _STEUERZEICHEN.sub(" ", query)).split()
    if not terms:
        return Suchergebnis([], 0)
    persons = Person.objects.visible_to(user).aktiv()
    name_terms: list[str] = []
    for term in terms:
        if m := _DATUM.match(term):
            persons = persons.filter(geburtsdatum__in=_geburtsdaten(m))
        elif _KUNDENNUMMER.match(term) or _KUNDENNUMMER_OHNE_K.match(term):
            persons = persons.filter(kundennummer=kundennummer(term) or term.upper())
        elif m := _BG_NUMMER.match(term):
            persons = persons.filter(pk__in=_mitglieder_der_bg_nummer(user, m))
        elif fold(term):
            name_terms.append(fold(term))
    if name_terms:
        ergebnis = _by_name(persons, name_terms, limit)
        grund = "Name"
    else:
        gefunden = [
            Suchtreffer(p, 1.0, "Merkmal") for p in persons.order_by("nachname", "vorname")[: limit + 1]
        ]
        anzahl = persons.count() if len(gefunden) > limit else len(gefunden)
        ergebnis = Suchergebnis(gefunden[:limit], anzahl)
        grund = "Merkmal"
    record_event(
        AuditEvent.Typ.PERSONENSUCHE,
        acting_user=user,
        zweck="Personensuche",
        details={"suchbegriff": query[:200], "treffer": ergebnis.anzahl, "art": grund},
    )
    return ergebnis


def _geburtsdaten(m: re.Match) -> list[date]:
    """The dates a typed birth date may mean: none for "31.02.1980", two centuries for "7.3.20"."""
    tag, monat, jahr = int(m[1]), int(m[2]), int(m[3])
    jahre = [jahr] if len(m[3]) == 4 else [1900 + jahr, 2000 + jahr]
    heute = timezone.localdate()
    daten = []
    for j in jahre:
        try:
            geburtsdatum = date(j, monat, tag)
        except ValueError:
            continue
        if len(m[3]) == 4 or geburtsdatum <= heute:
            daten.append(geburtsdatum)
    return daten


def _bg_nummern(user: User, m: re.Match) -> set[str]:
    """The BG numbers a matched term means: as typed, and completed with the Kreisschlüssel."""
    kreisschluessel = m[1] or user.mandant.kreisschluessel
    return {m[0].upper(), f"{bg_nummer_praefix(kreisschluessel)}{int(m[2]):07d}"}


def _mitglieder_der_bg_nummer(user: User, m: re.Match) -> QuerySet:
    return Mitgliedschaft.objects.filter(
        bedarfsgemeinschaft__mandant_id=user.mandant_id, bedarfsgemeinschaft__nummer__in=_bg_nummern(user, m)
    ).values("person_id")


def _by_name(persons: QuerySet[Person], name_terms: list[str], limit: int) -> Suchergebnis:
    # Every term must match some part of the name (prefix of the folded name, or equal Kölner
    # Phonetik); the name indexes find the candidates (with statistics from ANALYZE, see
    # `vorort.core.db.optimize`), the visibility check runs per candidate.
    condition = Q()
    for term in name_terms:
        term_matches = Q()
        # Range instead of LIKE 'x%': both databases use the plain b-tree index for it.
        for column in ("nachname_suche", "vorname_suche"):
            term_matches |= Q(**{f"{column}__gte": term, f"{column}__lt": term + "\uffff"})
        if code := phonetik(term):
            term_matches |= Q(nachname_phonetik=code) | Q(vorname_phonetik=code)
        condition &= term_matches
    # COUNT(*) OVER () counts every match in the same pass that sorts them for the cap (the sort
    # reads them all anyway): a second COUNT query doubled the time of common surnames.
    kandidaten = list(
        persons.filter(condition)
        .annotate(treffer_gesamt=Window(Count("pk")))
        .order_by("nachname_suche", "vorname_suche", "pk")[:_KANDIDATEN_MAX]
    )
    term_codes = [phonetik(term) for term in name_terms]
    bewertet = []
    for person in kandidaten:
        score = _score(person, name_terms, term_codes)
        if score > 0:
            bewertet.append(Suchtreffer(person, score, "Name"))
    bewertet.sort(key=lambda t: (-t.score, t.person.nachname_suche, t.person.vorname_suche, t.person.pk))
    # Past the cap, the database's count stands for the hits: every match there has a name part
    # with the term as prefix or with its Kölner Phonetik, which scores at least 0.85.
    anzahl = kandidaten[0].treffer_gesamt if len(kandidaten) == _KANDIDATEN_MAX else len(bewertet)
    return Suchergebnis(bewertet[:limit], anzahl)


def _score(person: Person, name_terms: list[str], term_codes: list[str] | None = None) -> float:
    """Every term must match a name part; the score is the mean best similarity.

    A prefix scores 0.9 to 1.0, an equal Kölner Phonetik 0.85, otherwise the string similarity;
    a term below 0.6 everywhere rejects the person.
    """
    teile = person.name_suche.split()
    codes = person.nachname_phonetik.split() + person.vorname_phonetik.split()
    total = 0.0
    for term, term_code in zip(name_terms, term_codes or [phonetik(t) for t in name_terms], strict=True):
        best = 0.0
        for teil in teile:
            if teil.startswith(term):
                best = max(best, 0.9 + 0.1 * len(term) / len(teil))
        if best == 0.0:
            if term_code and term_code in codes:
                best = 0.85
            for teil in teile:
                best = max(best, difflib.SequenceMatcher(None, term, teil).ratio())
        if best < 0.6:
            return 0.0
        total += best
    return total / len(name_terms)


def person_by_kundennummer(user: User, text: str) -> Person | None:
    """The active person with this Kundennummer (letter optional) if the user may see them."""
    nummer = kundennummer(text)
    if nummer is None:
        return None
    return Person.objects.visible_to(user).aktiv().filter(kundennummer=nummer).first()


def likely_duplicates(user: User, person: Person) -> list[Dublettenhinweis]:
    """Other records that may be this person (the duplicate check), as far as the user may see them."""
    hinweise = duplicate_candidates(
        person.mandant_id,
        vorname=person.vorname,
        nachname=person.nachname,
        geburtsdatum=person.geburtsdatum,
        geburtsname=person.geburtsname,
        ausser=person.pk,
    )
    sichtbar = set(
        Person.objects.visible_to(user)
        .filter(pk__in=[h.person.pk for h in hinweise])
        .values_list("pk", flat=True)
    )
    return [h for h in hinweise if h.person.pk in sichtbar]


@dataclass(frozen=True)
class Zusammenfuehrungsseite:
    """One of the two records on the merge screen: what it holds today and how much history."""

    person: Person
    adresse: Adresse | None
    bankverbindungen: list
    mitgliedschaften: list[tuple[Mitgliedschaft, BgName | None]]
    anzahl: dict[str, int]

    @property
    def umfang(self) -> int:
        return sum(self.anzahl.values())

    @property
    def uebergang(self) -> str:
        """What goes over when this record is dissolved: "1 Anschrift und 2 Bankverbindungen"."""
        teile = [
            f"{zahl} {einzahl if zahl == 1 else mehrzahl}"
            for (einzahl, mehrzahl), zahl in zip(_VERLAUF.values(), self.anzahl.values(), strict=True)
            if zahl
        ]
        return " und ".join([", ".join(teile[:-1]), teile[-1]] if len(teile) > 1 else teile)


_VERLAUF = {  # related name: (one, several)
    "mitgliedschaften": ("BG-Mitgliedschaft", "BG-Mitgliedschaften"),
    "adressen": ("Anschrift", "Anschriften"),
    "bankverbindungen": ("Bankverbindung", "Bankverbindungen"),
    "beschaeftigungen": ("Beschäftigung", "Beschäftigungen"),
    "dokumente": ("Dokument", "Dokumente"),
}


def merge_sides(user: User, *personen: Person) -> list[Zusammenfuehrungsseite]:
    """Both records of a merge, side by side, for persons the caller already accessed.

    The record more likely to be the real one comes first: in a BG today, more history, older.
    """
    heute = timezone.localdate()
    seiten = []
    mitgliedschaften = {person.pk: list(bgs_of_person(user, person)) for person in personen}
    namen = bg_namen({m.bedarfsgemeinschaft_id for ms in mitgliedschaften.values() for m in ms})
    for person in personen:
        adressen = list(person.adressen.gueltig_am(heute).order_by("-gueltig_ab")[:1])
        seiten.append(
            Zusammenfuehrungsseite(
                person=person,
                adresse=adressen[0] if adressen else None,
                bankverbindungen=list(person.bankverbindungen.gueltig_am(heute).order_by("-gueltig_ab")),
                mitgliedschaften=[
                    (m, namen.get(m.bedarfsgemeinschaft_id)) for m in mitgliedschaften[person.pk]
                ],
                anzahl={
                    mehrzahl: getattr(person, related).count() for related, (_, mehrzahl) in _VERLAUF.items()
                },
            )
        )
    return sorted(
        seiten,
        key=lambda s: (
            not any(m.gueltig_bis is None or m.gueltig_bis >= heute for m, _name in s.mitgliedschaften),
            -s.umfang,
            s.person.erstellt_am,
            s.person.pk,
        ),
    )


def search_summaries(user: User, treffer: list[Suchtreffer]) -> list[dict]:
    """Result rows with today's BGs (number and name) and address: three queries for any number of hits.

    Only BGs the user may see are listed (the same filter as `bgs_of_person`).
    """
    personen = [t.person for t in treffer]
    ids = [p.pk for p in personen]
    heute = timezone.localdate()
    bg_nummern: dict[int, list[tuple[str, BgName | None]]] = {}
    mitgliedschaften = list(
        Mitgliedschaft.objects.gueltig_am(heute)
        .filter(
            person_id__in=ids,
            bedarfsgemeinschaft__in=Bedarfsgemeinschaft.objects.visible_to(user).values("pk"),
        )
        .order_by("bedarfsgemeinschaft__nummer")
        .values_list("person_id", "bedarfsgemeinschaft_id", "bedarfsgemeinschaft__nummer")
    )
    namen = bg_namen({bg_id for _person_id, bg_id, _nummer in mitgliedschaften}, stichtag=heute)
    for person_id, bg_id, nummer in mitgliedschaften:
        bg_nummern.setdefault(person_id, []).append((nummer, namen.get(bg_id)))
    adressen = {
        a.person_id: a
        for a in Adresse.objects.gueltig_am(heute).filter(person_id__in=ids).order_by("gueltig_ab")
    }
    return [
        {"person": p, "bg_nummern": bg_nummern.get(p.pk, []), "adresse": adressen.get(p.pk)} for p in personen
    ]


def persons_for_protokoll(user: User, begriff: str) -> dict[int, Person]:
    """Persons of the user's Mandant by Kundennummer or surname prefix, for the audit log search.

    The Datenschutz role does not open files, it checks who touched them, so this looks up
    persons across the Mandant regardless of Zuständigkeit (ids and names only).
    """
    if not user.has_perm("core.view_auditlog"):
        return {}
    personen = Person.objects.filter(mandant_id=user.mandant_id).only(
        "pk", "vorname", "nachname", "kundennummer"
    )
    if _KUNDENNUMMER.match(begriff):
        personen = personen.filter(kundennummer=begriff.upper())
    else:
        schluessel = fold(begriff)
        personen = personen.filter(nachname_suche__gte=schluessel, nachname_suche__lt=schluessel + "\uffff")
    return {p.pk: p for p in personen[:200]}


def bgs_for_protokoll(user: User, begriff: str) -> list[Bedarfsgemeinschaft]:
    """BGs of the user's Mandant by BG-Nummer, for the audit log's BG filter (any Zuständigkeit).

    The full number ("15088BG0000042") or its running number ("42") find the BG.
    """
    m = _BG_NUMMER.match(begriff.strip())
    if not user.has_perm("core.view_auditlog") or m is None:
        return []
    bgs = Bedarfsgemeinschaft.objects.filter(mandant_id=user.mandant_id, nummer__in=_bg_nummern(user, m))
    return list(bgs.only("pk", "nummer"))


def anschrift_of(
    person: Person, *, stichtag: date, haushalt: Haushalt | None = None
) -> tuple[str, list[str], str]:
    """Name, address lines and salutation for a letter to the person.

    The address valid on `stichtag`; without one, the household's (the BG's flat), if given.
    """
    adresse = person.adressen.gueltig_am(stichtag).order_by("-gueltig_ab").first() or haushalt
    zeilen = [f"{adresse.strasse} {adresse.hausnummer}", f"{adresse.plz} {adresse.ort}"] if adresse else []
    anrede = {"w": "Sehr geehrte Frau", "m": "Sehr geehrter Herr"}.get(person.geschlecht)
    return person.name, zeilen, f"{anrede} {person.nachname}," if anrede else f"Guten Tag {person.name},"
