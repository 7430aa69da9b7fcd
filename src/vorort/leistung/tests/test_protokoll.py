"""leistung's events in the Protokoll: under the persons of the Antrag, as German sentences."""

from __future__ import annotations

import pytest
from conftest import anmelden
from django.urls import reverse

from vorort.core.models import AuditBetroffene, AuditEvent
from vorort.leistung.models import AntragPerson

pytestmark = pytest.mark.django_db

Typ = AuditEvent.Typ


def test_antrag_events_concern_the_persons_of_the_antrag(antrag_v01):
    event = AuditEvent.objects.get(typ=Typ.ANTRAG_ANGELEGT)
    personen = set(AntragPerson.objects.filter(antrag=antrag_v01).values_list("person_id", flat=True))
    assert personen
    assert set(AuditBetroffene.objects.filter(event=event).values_list("person_id", flat=True)) == personen


def test_grant_events_read_as_sentences_under_the_person(client, datenschutz_wagner, bewilligung_v01):
    krause = bewilligung_v01.bedarfsgemeinschaft.mitgliedschaften.get().person
    anmelden(client, datenschutz_wagner)
    antwort = client.get(reverse("core:protokoll"), {"person": krause.kundennummer})
    texte = [z.beschreibung for z in antwort.context["seite"].object_list]
    betrag = f"{bewilligung_v01.zahlbetrag_monat:.2f}".replace(".", ",")
    zeitraum = f"{bewilligung_v01.von:%d.%m.%Y}–{bewilligung_v01.bis:%d.%m.%Y}"
    assert f"Bewilligung {bewilligung_v01.pk} freigegeben: {betrag}\u00a0€ monatlich, {zeitraum}" in texte
    assert any(t.startswith(f"Bewilligung {bewilligung_v01.pk} vorbereitet: {betrag}") for t in texte)
    assert f"Antrag bewilligt für {zeitraum} (Bewilligung {bewilligung_v01.pk})" in texte
    assert any(t.startswith("Erstantrag angelegt, Leistungsbeginn ") for t in texte)
    assert any(t.startswith("Bewilligungsbescheid erstellt") for t in texte)
    assert not any("{" in t or "_" in t for t in texte), texte
