"""Who sees which person and BG: persona x visibility, including another Mandant's user."""

from __future__ import annotations

import datetime

import pytest

from vorort.core.exceptions import NotFound
from vorort.core.models import AuditEvent, Rolle
from vorort.core.tests.factories import UserFactory
from vorort.personen.models import Bedarfsgemeinschaft, Person
from vorort.personen.selectors import access_bg_by_id, access_person_by_id, search_persons
from vorort.personen.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "sieht_krause", "sieht_mueller"),
    [
        ("sachbearbeiterin_schulz", True, False),  # team Leistung 1 is zuständig for Krause
        ("sachbearbeiter_braun", False, True),  # team Leistung 2 for Müller
        ("teamleitung_weber", True, False),  # Teamleitung of team 1 only
        ("datenschutz_wagner", False, False),  # reads the log, not the files
        ("admin_adam", False, False),  # administers users, not cases
        ("nachbar_nora", False, False),  # another Mandant: never
    ],
)
def test_bg_and_person_visibility(
    persona, sieht_krause, sieht_mueller, request, bg_krause, bg_mueller, bg_nachbar
):
    user = request.getfixturevalue(persona)
    sichtbar = set(Bedarfsgemeinschaft.objects.visible_to(user).values_list("nummer", flat=True))
    assert ("15088BG0000042" in sichtbar) is sieht_krause
    assert ("15088BG0000043" in sichtbar) is sieht_mueller
    personen = set(Person.objects.visible_to(user).values_list("nachname", "vorname"))
    assert (("Krause", "Karl") in personen) is sieht_krause
    assert (("Müller", "Jana") in personen) is sieht_mueller
    if persona != "nachbar_nora":
        assert not Person.objects.visible_to(user).filter(mandant=bg_nachbar.mandant).exists()


def test_geschaeftsfuehrung_sees_all_cases_of_its_own_mandant_only(
    testkreis, bg_krause, bg_mueller, bg_nachbar
):
    chefin = UserFactory(mandant=testkreis, rollen=[Rolle.GESCHAEFTSFUEHRUNG])
    assert set(Bedarfsgemeinschaft.objects.visible_to(chefin)) == {bg_krause, bg_mueller}


def test_personal_zustaendigkeit_without_team(testkreis, bg_mueller):
    fallmanager = UserFactory(mandant=testkreis, rollen=[Rolle.INTEGRATION])
    assert not Bedarfsgemeinschaft.objects.visible_to(fallmanager).exists()
    bg_mueller.fallmanagement = fallmanager
    bg_mueller.save()
    assert list(Bedarfsgemeinschaft.objects.visible_to(fallmanager)) == [bg_mueller]


def test_person_without_bg_is_visible_at_intake_within_the_mandant(
    testkreis, sachbearbeiterin_schulz, nachbar_nora
):
    neu = PersonFactory(mandant=testkreis, nachname="Neumann")
    assert Person.objects.visible_to(sachbearbeiterin_schulz).filter(pk=neu.pk).exists()
    assert not Person.objects.visible_to(nachbar_nora).filter(pk=neu.pk).exists()


def test_access_records_the_read_and_hides_forbidden_as_missing(
    sachbearbeiterin_schulz, bg_krause, bg_mueller
):
    krause = bg_krause.mitgliedschaften.get().person
    assert access_person_by_id(sachbearbeiterin_schulz, krause.pk, zweck="Personenakte") == krause
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.PERSON_GELESEN)
    assert (event.acting_user, event.person_id, event.zweck) == (
        sachbearbeiterin_schulz,
        krause.pk,
        "Personenakte",
    )

    mueller = bg_mueller.mitgliedschaften.first().person
    with pytest.raises(NotFound) as forbidden:
        access_person_by_id(sachbearbeiterin_schulz, mueller.pk, zweck="Personenakte")
    with pytest.raises(NotFound) as missing:
        access_person_by_id(sachbearbeiterin_schulz, 10**9, zweck="Personenakte")
    assert str(forbidden.value) == str(missing.value)
    with pytest.raises(NotFound):
        access_bg_by_id(sachbearbeiterin_schulz, bg_mueller.pk, zweck="BG-Akte")
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.PERSON_GELESEN).count() == 1


@pytest.mark.parametrize(
    ("query", "gefunden"),
    [
        ("Krause", True),
        ("krause karl", True),
        ("Kraus", True),  # prefix
        ("Krauze", True),  # typo, same Kölner Phonetik
        ("Karl 04.05.1979", True),
        ("04.05.1979", True),
        ("15088BG0000042", True),
        ("Krause 05.04.1979", False),  # another birth date
        ("Schmidt", False),
        ("31.02.1980", False),  # no such date: no error, no hit
        # Issue 8: what a caseworker types and means.
        ("4.5.79", True),  # two-digit year
        ("04.05.79 Krause", True),
        ("04.05.80", False),
        ("BG0000042", True),  # BG number without the Kreisschlüssel
        ("bg42", True),
        ("BG 42", True),
        ("42", True),
        ("43", False),
    ],
)
def test_search_finds_by_name_typo_birthdate_and_numbers(
    query, gefunden, sachbearbeiterin_schulz, bg_krause, bg_nachbar
):
    treffer = search_persons(sachbearbeiterin_schulz, query).treffer
    namen = [(t.person.nachname, t.person.mandant_id) for t in treffer]
    assert (("Krause", bg_krause.mandant_id) in namen) is gefunden
    assert all(m == bg_krause.mandant_id for _, m in namen), "another Mandant's Krause must never appear"


def test_search_by_kundennummer_without_its_letter(sachbearbeiterin_schulz, bg_krause):
    krause = bg_krause.mitgliedschaften.get().person
    for query in (krause.kundennummer[1:], f"k{krause.kundennummer[1:]}"):
        assert [t.person for t in search_persons(sachbearbeiterin_schulz, query).treffer] == [krause], query


def test_two_digit_year_finds_both_centuries_in_the_past(testkreis, sachbearbeiterin_schulz):
    grossvater = PersonFactory(mandant=testkreis, nachname="Alt", geburtsdatum=datetime.date(1920, 3, 7))
    enkelin = PersonFactory(mandant=testkreis, nachname="Jung", geburtsdatum=datetime.date(2020, 3, 7))
    PersonFactory(mandant=testkreis, nachname="Anders", geburtsdatum=datetime.date(2020, 7, 3))
    treffer = {t.person for t in search_persons(sachbearbeiterin_schulz, "7.3.20").treffer}
    assert treffer == {grossvater, enkelin}


def test_search_folds_umlauts_both_ways(testkreis, sachbearbeiter_braun, bg_mueller):
    for query in ("Mueller", "Müller", "MÜLLER jana", "Muller"):
        assert "Jana" in {t.person.vorname for t in search_persons(sachbearbeiter_braun, query).treffer}, (
            query
        )


def test_search_by_kundennummer_and_audit(sachbearbeiterin_schulz, bg_krause):
    krause = bg_krause.mitgliedschaften.get().person
    assert [
        t.person for t in search_persons(sachbearbeiterin_schulz, krause.kundennummer.lower()).treffer
    ] == [krause]
    event = AuditEvent.objects.filter(typ=AuditEvent.Typ.PERSONENSUCHE).latest("seq")
    assert event.details == {"suchbegriff": krause.kundennummer.lower(), "treffer": 1, "art": "Merkmal"}


@pytest.mark.parametrize("kandidaten_max", [300, 40])  # 40: past the candidate cap, counted in the DB
def test_more_than_fifty_hits_are_counted_not_silently_cut(
    kandidaten_max, testkreis, sachbearbeiterin_schulz, monkeypatch
):
    from vorort.personen import selectors

    monkeypatch.setattr(selectors, "_KANDIDATEN_MAX", kandidaten_max)
    for i in range(61):
        PersonFactory(mandant=testkreis, nachname="Schmidt", geburtsdatum=datetime.date(1960 + i % 3, 1, 1))
    ergebnis = search_persons(sachbearbeiterin_schulz, "Schmidt")
    assert len(ergebnis.treffer) == min(50, kandidaten_max)
    assert ergebnis.anzahl == 61 and ergebnis.zu_viele
    eingegrenzt = search_persons(sachbearbeiterin_schulz, "Schmidt 1.1.61")
    assert (len(eingegrenzt.treffer), eingegrenzt.anzahl, eingegrenzt.zu_viele) == (20, 20, False)
    event = AuditEvent.objects.filter(typ=AuditEvent.Typ.PERSONENSUCHE).order_by("seq").first()
    assert event.details["treffer"] == 61


def test_search_ranks_exact_names_first(testkreis, sachbearbeiterin_schulz):
    for nachname in ("Meier", "Mayer", "Maier", "Meierhofer", "Mertens"):
        PersonFactory(
            mandant=testkreis, nachname=nachname, vorname="Uwe", geburtsdatum=datetime.date(1970, 1, 1)
        )
    treffer = [t.person.nachname for t in search_persons(sachbearbeiterin_schulz, "Meier").treffer]
    assert treffer[0] == "Meier"
    assert {"Mayer", "Maier", "Meierhofer"} <= set(treffer)
    assert "Mertens" not in treffer
