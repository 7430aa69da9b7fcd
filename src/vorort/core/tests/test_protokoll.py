"""The Datenschutz screen's Protokoll: events under every person they concern, filters, sentences."""

from __future__ import annotations

import datetime
import hashlib
import json
import subprocess

import pytest
import time_machine
from conftest import anmelden
from django.db import DatabaseError, connection
from django.urls import reverse

from vorort.core.audit import record_event, verify_chains
from vorort.core.models import AuditBetroffene, AuditEvent, Rolle
from vorort.core.protokoll import beschriebene_typen
from vorort.core.tests.factories import UserFactory
from vorort.personen.actions import add_mitglied, end_mitgliedschaft
from vorort.personen.models import Rolle as BgRolle
from vorort.personen.selectors import access_bg_by_id, access_person_by_id
from vorort.personen.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

Typ = AuditEvent.Typ


def _events(client, **filter) -> list[AuditEvent]:
    antwort = client.get(reverse("core:protokoll"), filter)
    assert antwort.status_code == 200
    return [z.event for z in antwort.context["seite"].object_list]


def _bg_reads(events) -> list[datetime.date]:
    return [e.zeitpunkt.date() for e in events if e.typ == Typ.BG_GELESEN]


def _delete_betroffene(where: str = "") -> None:
    """What an attacker with database rights could do: drop the trigger, delete rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditbetroffene_no_delete")
        else:
            cursor.execute("DROP TRIGGER core_auditbetroffene_no_change ON core_auditbetroffene")
        cursor.execute(f"DELETE FROM core_auditbetroffene {where}")


def test_bg_events_appear_under_each_member_as_the_membership_was_then(
    client, datenschutz_wagner, sachbearbeiter_braun, bg_mueller, testkreis
):
    """Leon (child) sees the reads of his BG while he was in it; the baby only after she joined."""
    jana, leon = (m.person for m in bg_mueller.mitgliedschaften.order_by("rolle"))
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte")
        baby = PersonFactory(mandant=testkreis, vorname="Mia", nachname="Müller")
        add_mitglied(
            bg_mueller,
            baby,
            rolle=BgRolle.KIND,
            gueltig_ab=datetime.date(2026, 3, 2),
            acting_user=sachbearbeiter_braun,
        )
    with time_machine.travel(datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC)):
        access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte")
        end_mitgliedschaft(
            leon.mitgliedschaften.get(),
            gueltig_bis=datetime.date(2026, 4, 1),
            acting_user=sachbearbeiter_braun,
        )
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC)):
        access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte")

    anmelden(client, datenschutz_wagner)
    assert _bg_reads(_events(client, person=jana.kundennummer)) == [
        datetime.date(2026, 5, 4),
        datetime.date(2026, 4, 1),
        datetime.date(2026, 3, 2),
    ]
    assert _bg_reads(_events(client, person=leon.kundennummer)) == [
        datetime.date(2026, 4, 1),
        datetime.date(2026, 3, 2),
    ]
    # Mia joined after the first read was recorded that morning: it did not concern her.
    assert _bg_reads(_events(client, person=baby.kundennummer)) == [
        datetime.date(2026, 5, 4),
        datetime.date(2026, 4, 1),
    ]
    html = client.get(reverse("core:protokoll"), {"person": leon.kundennummer}).content.decode()
    assert "über die BG" in html
    assert "Akte der Bedarfsgemeinschaft geöffnet" in html
    assert "Müller, Leon" in html


def test_concerned_persons_are_hashed_and_cannot_be_removed(sachbearbeiter_braun, bg_mueller):
    event = access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte") and AuditEvent.objects.get()
    personen = set(AuditBetroffene.objects.filter(event=event).values_list("person_id", flat=True))
    assert personen == set(bg_mueller.mitgliedschaften.values_list("person_id", flat=True))
    assert verify_chains() == (1, [])
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditbetroffene")


def test_verify_notices_a_removed_concerned_person(sachbearbeiter_braun, bg_mueller):
    access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte")
    _delete_betroffene("WHERE id = (SELECT MIN(id) FROM core_auditbetroffene)")
    _checked, problems = verify_chains()
    assert [p.message for p in problems] == [
        "Inhalt verändert: der gespeicherte Hash passt nicht zum Inhalt."
    ]


def test_verify_notices_an_event_unlinked_from_its_own_person(sachbearbeiterin_schulz, bg_krause):
    person = bg_krause.mitgliedschaften.get().person
    access_person_by_id(sachbearbeiterin_schulz, person.pk, zweck="Personenakte")
    _delete_betroffene()
    _checked, problems = verify_chains()
    assert [p.seq for p in problems] == [1]
    assert "Zuordnung zur Person fehlt" in problems[0].message


def test_bg_filter_by_number_or_running_number(
    client, datenschutz_wagner, sachbearbeiterin_schulz, sachbearbeiter_braun, bg_krause, bg_mueller
):
    access_bg_by_id(sachbearbeiterin_schulz, bg_krause.pk, zweck="BG-Akte")
    access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte")
    anmelden(client, datenschutz_wagner)
    assert [e.bedarfsgemeinschaft_id for e in _events(client, bg="15088BG0000043")] == [bg_mueller.pk]
    assert [e.bedarfsgemeinschaft_id for e in _events(client, bg="42")] == [bg_krause.pk]
    antwort = client.get(reverse("core:protokoll"), {"bg": "15088BG0009999"})
    assert list(antwort.context["seite"].object_list) == []
    assert "keine Bedarfsgemeinschaft mit dieser Nummer" in antwort.content.decode()
    suche = AuditEvent.objects.filter(typ=Typ.PROTOKOLL_DURCHSUCHT).latest("seq")
    assert suche.details["kriterien"] == {"bg": "15088BG0009999"}


def test_user_filter_is_a_text_search_not_a_list(
    client, datenschutz_wagner, sachbearbeiterin_schulz, sachbearbeiter_braun, bg_krause, bg_mueller
):
    access_person_by_id(
        sachbearbeiterin_schulz, bg_krause.mitgliedschaften.get().person_id, zweck="Personenakte"
    )
    access_person_by_id(
        sachbearbeiter_braun, bg_mueller.mitgliedschaften.first().person_id, zweck="Personenakte"
    )
    for _ in range(30):
        UserFactory(mandant=sachbearbeiterin_schulz.mandant, rollen=[Rolle.LEISTUNG])
    anmelden(client, datenschutz_wagner)
    antwort = client.get(reverse("core:protokoll"))
    html = antwort.content.decode()
    assert '<select name="benutzer"' not in html
    assert 'name="benutzer"' in html
    for begriff in ("schulz", "Sabine", "sabine schulz"):
        events = _events(client, benutzer=begriff, typ=Typ.PERSON_GELESEN)
        assert [e.acting_user for e in events] == [sachbearbeiterin_schulz], begriff
    antwort = client.get(reverse("core:protokoll"), {"benutzer": "niemand-da"})
    assert list(antwort.context["seite"].object_list) == []
    assert "niemand mit diesem Namen" in antwort.content.decode()


def test_details_are_german_sentences_not_dictionaries(
    client, datenschutz_wagner, sachbearbeiter_braun, bg_mueller, testkreis
):
    baby = PersonFactory(mandant=testkreis, vorname="Mia", nachname="Müller")
    add_mitglied(
        bg_mueller,
        baby,
        rolle=BgRolle.KIND,
        gueltig_ab=datetime.date(2026, 3, 2),
        acting_user=sachbearbeiter_braun,
    )
    anmelden(client, datenschutz_wagner)
    html = client.get(reverse("core:protokoll"), {"person": baby.kundennummer}).content.decode()
    assert "In die Bedarfsgemeinschaft aufgenommen als Kind ab 02.03.2026" in html
    assert "{" not in html.split('id="ergebnis"')[1]
    assert "gueltig_ab" not in html


def test_every_event_type_has_a_german_description():
    assert set(Typ.values) - beschriebene_typen() == set()


def test_export_has_the_description_and_the_bg_event_of_a_child(
    client, datenschutz_wagner, sachbearbeiter_braun, bg_mueller
):
    leon = bg_mueller.mitgliedschaften.get(rolle=BgRolle.KIND).person
    access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte")
    anmelden(client, datenschutz_wagner)
    daten = json.loads(
        client.get(reverse("core:protokoll_export", args=["json"]), {"person": leon.kundennummer}).content
    )
    assert [(d["beschreibung"], d["bg"], d["ueber_bg"]) for d in daten] == [
        ("Akte der Bedarfsgemeinschaft geöffnet", "15088BG0000043", "ja")
    ]


def test_other_mandant_never_sees_events_or_persons(client, nachbarkreis, sachbearbeiter_braun, bg_mueller):
    leon = bg_mueller.mitgliedschaften.get(rolle=BgRolle.KIND).person
    access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte")
    anmelden(client, UserFactory(mandant=nachbarkreis, rollen=[Rolle.DATENSCHUTZ]))
    assert _events(client, person=leon.kundennummer) == []
    assert _events(client, bg="15088BG0000043") == []
    assert _events(client, benutzer="braun") == []


def test_only_the_datenschutz_role_searches_the_protokoll(client, teamleitung_weber, bg_mueller):
    anmelden(client, teamleitung_weber)
    assert client.get(reverse("core:protokoll"), {"bg": "43"}).status_code == 403
    assert client.get(reverse("core:protokoll_export", args=["json"]), {"bg": "43"}).status_code == 403


def test_record_event_outside_a_bg_concerns_only_its_person(sachbearbeiterin_schulz, bg_krause):
    person = bg_krause.mitgliedschaften.get().person
    event = record_event(Typ.PERSON_GELESEN, acting_user=sachbearbeiterin_schulz, person_id=person.pk)
    assert list(event.betroffene.values_list("person_id", flat=True)) == [person.pk]


# --- Auskunft nach Art. 15 DSGVO ----------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Tagged:          yes" in info, "an accessible, tagged PDF"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(text.stdout.decode().split())


def test_auskunft_is_a_letter_with_the_bg_events_and_offices_not_names(
    client, datenschutz_wagner, sachbearbeiter_braun, bg_mueller
):
    leon = bg_mueller.mitgliedschaften.get(rolle=BgRolle.KIND).person
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC)):
        access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte")
    with time_machine.travel(datetime.datetime(2026, 3, 3, 10, 30, tzinfo=datetime.UTC)):
        access_person_by_id(sachbearbeiter_braun, leon.pk, zweck="Personenakte")
    anmelden(client, datenschutz_wagner)

    seite = client.get(reverse("core:protokoll"), {"person": leon.kundennummer}).content.decode()
    link = reverse("core:protokoll_auskunft", args=[leon.pk])
    assert f'href="{link}?"' in seite
    antwort = client.get(link)
    assert antwort.status_code == 200
    assert antwort["Content-Type"] == "application/pdf"
    text = _pdf_text(antwort.content)

    assert "Auskunft über die Verarbeitung Ihrer Daten (Art. 15 DSGVO)" in text
    assert "An die gesetzliche Vertretung von Leon Müller" in text and leon.kundennummer in text
    assert "Sehr geehrte Damen und Herren," in text
    assert "02.03.2026 10:15 Leistungssachbearbeitung, Team Leistung 2" in text
    assert "Bedarfsgemeinschaft 15088BG0000043: Akte der Bedarfsgemeinschaft geöffnet BG-Akte" in text
    assert "03.03.2026 11:30 Leistungssachbearbeitung, Team Leistung 2 Personenakte geöffnet" in text
    assert sachbearbeiter_braun.last_name not in text, "staff appear by office, not by name"
    assert "C-579/21" in text

    event = AuditEvent.objects.filter(typ=Typ.PROTOKOLL_EXPORTIERT).get()
    assert (event.person_id, event.acting_user) == (leon.pk, datenschutz_wagner)
    assert event.details["format"] == "pdf"
    assert event.details["treffer"] == 2
    assert event.details["sha256"] == hashlib.sha256(antwort.content).hexdigest()


def test_auskunft_for_a_period_and_the_export_shows_in_the_next_one(
    client, datenschutz_wagner, sachbearbeiter_braun, bg_mueller
):
    leon = bg_mueller.mitgliedschaften.get(rolle=BgRolle.KIND).person
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        access_bg_by_id(sachbearbeiter_braun, bg_mueller.pk, zweck="BG-Akte")
    anmelden(client, datenschutz_wagner)
    link = reverse("core:protokoll_auskunft", args=[leon.pk])
    text = _pdf_text(client.get(link, {"von": "01.04.2026", "bis": "30.04.2026"}).content)
    assert "vom 01.04.2026 bis zum 30.04.2026" in text
    assert "hat niemand in unserem Jobcenter Ihre Daten gelesen oder geändert" in text
    text = _pdf_text(client.get(link).content)
    assert "Protokoll exportiert als Auskunft (PDF)" in text
    assert "Datenschutz 1 0" in text, "the earlier Auskunft counts as a read, not a change"
    assert client.get(link, {"von": "31.02.2026"}).status_code == 400


def test_auskunft_only_for_datenschutz_and_never_for_another_mandant(
    client, nachbarkreis, teamleitung_weber, bg_mueller
):
    leon = bg_mueller.mitgliedschaften.get(rolle=BgRolle.KIND).person
    link = reverse("core:protokoll_auskunft", args=[leon.pk])
    anmelden(client, teamleitung_weber)
    assert client.get(link).status_code == 403
    anmelden(client, UserFactory(mandant=nachbarkreis, rollen=[Rolle.DATENSCHUTZ]))
    assert client.get(link).status_code == 404
    assert not AuditEvent.objects.filter(typ=Typ.PROTOKOLL_EXPORTIERT).exists()
