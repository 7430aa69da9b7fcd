"""Registering, changing and merging persons."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from vorort.core.exceptions import NotAllowed
from vorort.core.models import AuditEvent
from vorort.personen.actions import (
    MoeglicheDublette,
    PersonDaten,
    change_adresse,
    change_bankverbindung,
    create_person,
    merge_persons,
    undo_merge,
    update_person,
)
from vorort.personen.models import Person
from vorort.personen.validators import validate_iban

pytestmark = pytest.mark.django_db

KRAUSE = dict(vorname="Karl", nachname="Krause", geburtsdatum=datetime.date(1979, 5, 4), geschlecht="m")


def test_create_person_gets_a_kundennummer_and_records_the_event(sachbearbeiterin_schulz):
    person = create_person(PersonDaten(**KRAUSE), acting_user=sachbearbeiterin_schulz)
    assert person.kundennummer.startswith("K") and len(person.kundennummer) == 10
    assert person.mandant == sachbearbeiterin_schulz.mandant
    assert (person.nachname_suche, person.nachname_phonetik) == (
        "krause",
        "478",
    )  # Kölner Phonetik: K=4, R=7, S=8
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.PERSON_ANGELEGT, person_id=person.pk).count() == 1


@pytest.mark.parametrize(
    "variante",
    [
        dict(nachname="Krause"),
        dict(nachname="Kraus"),  # typo
        dict(vorname="Carl"),  # spelling of the first name
        dict(geburtsdatum=datetime.date(1979, 4, 5)),  # day and month swapped
    ],
)
def test_duplicate_check_shows_candidates_until_confirmed(variante, sachbearbeiterin_schulz, bg_krause):
    original = bg_krause.mitgliedschaften.get().person
    daten = PersonDaten(**{**KRAUSE, **variante})
    with pytest.raises(MoeglicheDublette) as dublette:
        create_person(daten, acting_user=sachbearbeiterin_schulz)
    assert [k.person for k in dublette.value.kandidaten] == [original]
    assert Person.objects.filter(nachname__startswith="Kraus").count() == 1

    person = create_person(daten, acting_user=sachbearbeiterin_schulz, dubletten_geprueft=True)
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.DUBLETTE_BESTAETIGT)
    assert (event.person_id, event.details) == (person.pk, {"kandidaten": [original.pk]})


def test_no_duplicate_for_other_people_or_other_mandant(
    sachbearbeiterin_schulz, bg_krause, bg_nachbar, nachbar_nora
):
    create_person(
        PersonDaten(**{**KRAUSE, "vorname": "Petra", "geschlecht": "w"}), acting_user=sachbearbeiterin_schulz
    )
    create_person(
        PersonDaten(**{**KRAUSE, "geburtsdatum": datetime.date(1980, 5, 4)}),
        acting_user=sachbearbeiterin_schulz,
    )
    # Nora's Mandant has its own Karl Krause; ours must not be offered to her.
    with pytest.raises(MoeglicheDublette) as dublette:
        create_person(PersonDaten(**KRAUSE), acting_user=nachbar_nora)
    assert [k.person.mandant_id for k in dublette.value.kandidaten] == [nachbar_nora.mandant_id]


def test_birth_date_in_the_future_is_refused(sachbearbeiterin_schulz):
    with pytest.raises(ValidationError) as error:
        create_person(
            PersonDaten(**{**KRAUSE, "geburtsdatum": datetime.date(2099, 1, 1)}),
            acting_user=sachbearbeiterin_schulz,
        )
    assert "Zukunft" in str(error.value)
    assert not Person.objects.exists()


def test_roles_without_the_right_cannot_create(datenschutz_wagner):
    with pytest.raises(NotAllowed):
        create_person(PersonDaten(**KRAUSE), acting_user=datenschutz_wagner)


@pytest.mark.parametrize(
    ("iban", "gueltig"),
    [
        ("DE89 3704 0044 0532 0130 00", True),
        ("de89370400440532013000", True),
        ("DE89370400440532013001", False),  # one digit changed: checksum fails
        ("DE8937040044053201300", False),  # too short
        ("XX89370400440532013000", False),
        ("AT611904300234573201", True),
    ],
)
def test_iban_checksum(iban, gueltig):
    if gueltig:
        validate_iban(iban)
    else:
        with pytest.raises(ValidationError, match="IBAN"):
            validate_iban(iban)


def test_new_bank_account_ends_the_old_and_refuses_bad_iban(sachbearbeiterin_schulz, bg_krause):
    krause = bg_krause.mitgliedschaften.get().person
    alt = change_bankverbindung(
        krause,
        iban="DE89370400440532013000",
        kontoinhaber="Karl Krause",
        gueltig_ab=datetime.date(2026, 1, 1),
        acting_user=sachbearbeiterin_schulz,
    )
    with pytest.raises(ValidationError) as error:
        change_bankverbindung(
            krause,
            iban="DE89370400440532013001",
            kontoinhaber="Karl Krause",
            gueltig_ab=datetime.date(2026, 6, 1),
            acting_user=sachbearbeiterin_schulz,
        )
    assert "iban" in error.value.message_dict
    alt.refresh_from_db()
    assert alt.gueltig_bis is None, "a refused change must not touch the stored account"
    change_bankverbindung(
        krause,
        iban="DE02120300000000202051",
        kontoinhaber="Karl Krause",
        gueltig_ab=datetime.date(2026, 6, 1),
        acting_user=sachbearbeiterin_schulz,
    )
    alt.refresh_from_db()
    assert alt.gueltig_bis == datetime.date(2026, 5, 31)
    assert krause.bankverbindungen.count() == 2


def test_update_person_keeps_old_and_new_values_in_the_log(sachbearbeiterin_schulz, bg_krause):
    krause = bg_krause.mitgliedschaften.get().person
    update_person(
        krause, {"nachname": "Krause-Lehmann", "telefon": "0345 123"}, acting_user=sachbearbeiterin_schulz
    )
    krause.refresh_from_db()
    assert krause.nachname_suche == "krause lehmann"
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.PERSON_GEAENDERT)
    assert (
        event.details["alt"]["nachname"] == "Krause" and event.details["neu"]["nachname"] == "Krause-Lehmann"
    )


def test_merge_moves_history_and_keeps_the_merged_row(sachbearbeiterin_schulz, bg_krause):
    original = bg_krause.mitgliedschaften.get().person
    dublette = create_person(
        PersonDaten(**{**KRAUSE, "nachname": "Kraus"}),
        acting_user=sachbearbeiterin_schulz,
        dubletten_geprueft=True,
    )
    change_bankverbindung(
        dublette,
        iban="DE89370400440532013000",
        kontoinhaber="Karl Kraus",
        gueltig_ab=datetime.date(2026, 1, 1),
        acting_user=sachbearbeiterin_schulz,
    )
    with pytest.raises(ValidationError):
        merge_persons(original, dublette, acting_user=sachbearbeiterin_schulz, grund=" ")
    merge_persons(original, dublette, acting_user=sachbearbeiterin_schulz, grund="Doppelt erfasst am Empfang")
    dublette.refresh_from_db()
    assert dublette.zusammengefuehrt_in == original
    assert original.bankverbindungen.count() == 1
    assert not Person.objects.aktiv().filter(pk=dublette.pk).exists()
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.PERSONEN_ZUSAMMENGEFUEHRT)
    assert event.person_id == original.pk and event.details["aufgeloest"] == dublette.pk
    with pytest.raises(ValidationError):
        merge_persons(original, dublette, acting_user=sachbearbeiterin_schulz, grund="nochmal")


def test_merge_across_mandanten_is_refused(sachbearbeiterin_schulz, bg_krause, bg_nachbar):
    ours = bg_krause.mitgliedschaften.get().person
    theirs = bg_nachbar.mitgliedschaften.get().person
    with pytest.raises(NotAllowed):
        merge_persons(ours, theirs, acting_user=sachbearbeiterin_schulz, grund="gleiche Person")


def test_leistungsbezug_keeps_its_start_while_uninterrupted(sachbearbeiterin_schulz, bg_krause):
    from vorort.personen.actions import end_leistungsbezug, start_leistungsbezug
    from vorort.personen.models import Bedarfsgemeinschaft

    bg_krause.status, bg_krause.leistungsbezug_seit = Bedarfsgemeinschaft.Status.ANTRAG, None
    bg_krause.save()
    start_leistungsbezug(bg_krause, ab=datetime.date(2025, 3, 1), acting_user=sachbearbeiterin_schulz)
    start_leistungsbezug(bg_krause, ab=datetime.date(2026, 3, 1), acting_user=sachbearbeiterin_schulz)
    bg_krause.refresh_from_db()
    assert (bg_krause.status, bg_krause.leistungsbezug_seit) == ("aktiv", datetime.date(2025, 3, 1))
    end_leistungsbezug(bg_krause, acting_user=sachbearbeiterin_schulz)
    start_leistungsbezug(bg_krause, ab=datetime.date(2026, 9, 1), acting_user=sachbearbeiterin_schulz)
    bg_krause.refresh_from_db()
    assert bg_krause.leistungsbezug_seit == datetime.date(2026, 9, 1)
    assert (
        AuditEvent.objects.filter(
            typ=AuditEvent.Typ.BG_GEAENDERT, bedarfsgemeinschaft_id=bg_krause.pk
        ).count()
        == 4
    )


SCHMIDT = dict(vorname="Susanne", nachname="Schmidt", geburtsdatum=datetime.date(1964, 3, 7), geschlecht="w")


@pytest.mark.parametrize(
    ("vorhanden", "neu", "grund"),
    [
        # Issue 8, defect 5: a similar name and swapped day/month together were created silently.
        ({}, dict(nachname="Schmid", geburtsdatum=datetime.date(1964, 7, 3)), "Tag und Monat vertauscht"),
        ({}, dict(nachname="Schmitt", geburtsdatum=datetime.date(1964, 3, 17)), "eine Ziffer"),
        ({}, dict(vorname="Susane", geburtsdatum=datetime.date(1946, 3, 7)), "Ziffern vertauscht"),
        # Married since: the stored Geburtsname is the new entry's surname, with swapped dates too.
        (
            dict(nachname="Weber", geburtsname="Schmidt"),
            dict(nachname="Schmid", geburtsdatum=datetime.date(1964, 7, 3)),
            "Geburtsname",
        ),
        (dict(nachname="Weber"), dict(geburtsname="Weber", nachname="Schulze"), "Geburtsname"),
    ],
)
def test_duplicate_check_catches_similar_name_with_swapped_or_near_birth_date(
    vorhanden, neu, grund, sachbearbeiterin_schulz
):
    original = create_person(PersonDaten(**{**SCHMIDT, **vorhanden}), acting_user=sachbearbeiterin_schulz)
    with pytest.raises(MoeglicheDublette) as dublette:
        create_person(PersonDaten(**{**SCHMIDT, **neu}), acting_user=sachbearbeiterin_schulz)
    [hinweis] = dublette.value.kandidaten
    assert hinweis.person == original
    assert grund in " ".join(hinweis.gruende)
    assert 50 <= hinweis.prozent <= 100
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "anderer",
    [
        dict(geburtsdatum=datetime.date(1980, 3, 7)),  # same name, unrelated birth date
        dict(vorname="Sabine", nachname="Schulz", geburtsdatum=datetime.date(1964, 7, 3)),  # other name
        dict(vorname="Thomas", geburtsdatum=datetime.date(1964, 3, 7)),  # same day, another first name
    ],
)
def test_duplicate_check_leaves_other_people_alone(anderer, sachbearbeiterin_schulz):
    create_person(PersonDaten(**SCHMIDT), acting_user=sachbearbeiterin_schulz)
    create_person(PersonDaten(**{**SCHMIDT, **anderer}), acting_user=sachbearbeiterin_schulz)
    assert Person.objects.count() == 2


def test_undo_merge_moves_back_exactly_what_the_merge_moved(sachbearbeiterin_schulz, bg_krause):
    original = bg_krause.mitgliedschaften.get().person
    dublette = create_person(
        PersonDaten(**{**KRAUSE, "nachname": "Kraus"}),
        acting_user=sachbearbeiterin_schulz,
        dubletten_geprueft=True,
    )
    konto = change_bankverbindung(
        dublette,
        iban="DE89370400440532013000",
        kontoinhaber="Karl Kraus",
        gueltig_ab=datetime.date(2026, 1, 1),
        acting_user=sachbearbeiterin_schulz,
    )
    merge_persons(original, dublette, acting_user=sachbearbeiterin_schulz, grund="doppelt")
    merge = AuditEvent.objects.get(typ=AuditEvent.Typ.PERSONEN_ZUSAMMENGEFUEHRT)
    assert merge.details["verschoben"]["bankverbindungen"] == [konto.pk]
    # After the merge the caseworker records a new address on the kept person: it stays there.
    neue_adresse = change_adresse(
        original,
        strasse="Domstraße",
        hausnummer="1",
        plz="06217",
        ort="Merseburg",
        gueltig_ab=datetime.date(2026, 11, 1),
        acting_user=sachbearbeiterin_schulz,
    )

    with pytest.raises(ValidationError):
        undo_merge(dublette, acting_user=sachbearbeiterin_schulz, grund=" ")
    undo_merge(dublette, acting_user=sachbearbeiterin_schulz, grund="Vater und Sohn")

    dublette.refresh_from_db()
    assert dublette.zusammengefuehrt_in is None
    assert list(dublette.bankverbindungen.all()) == [konto]
    assert list(original.adressen.all()) == [neue_adresse]
    assert original.mitgliedschaften.get().bedarfsgemeinschaft == bg_krause
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.ZUSAMMENFUEHRUNG_RUECKGAENGIG)
    assert event.person_id == dublette.pk
    assert event.details["zusammenfuehrung_seq"] == merge.seq
    assert event.details["zurueck"]["bankverbindungen"] == [konto.pk]
    with pytest.raises(ValidationError, match="nicht zusammengeführt"):
        undo_merge(dublette, acting_user=sachbearbeiterin_schulz, grund="nochmal")


def test_merge_refuses_two_records_in_bgs_at_the_same_time(sachbearbeiterin_schulz, bg_krause, testkreis):
    from vorort.personen.tests.factories import MitgliedschaftFactory

    original = bg_krause.mitgliedschaften.get().person
    andere_bg = MitgliedschaftFactory(
        bedarfsgemeinschaft__mandant=testkreis, person__vorname="Karl", person__nachname="Kraus"
    )
    with pytest.raises(ValidationError, match="zur selben Zeit Mitglied"):
        merge_persons(original, andere_bg.person, acting_user=sachbearbeiterin_schulz, grund="doppelt")
    andere_bg.person.refresh_from_db()
    assert andere_bg.person.zusammengefuehrt_in is None
    assert not AuditEvent.objects.filter(typ=AuditEvent.Typ.PERSONEN_ZUSAMMENGEFUEHRT).exists()
