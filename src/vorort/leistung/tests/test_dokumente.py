"""The BG's "Dokumente" tab lists its letters with date, kind and download; a download is a read event
about the addressee and the BG's members (issue 8, "Files")."""

from __future__ import annotations

import datetime

import pytest
from conftest import anmelden
from django.urls import reverse
from django.utils import timezone

from vorort.core.models import AuditEvent
from vorort.leistung import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def mit_anforderung(bewilligung_v01, sachbearbeiterin_schulz):
    """Herr Krause's grant (its Bescheid filed with the release) and a § 60 request for his Antrag."""
    actions.add_unterlage(
        bewilligung_v01.antrag,
        acting_user=sachbearbeiterin_schulz,
        bezeichnung="Mietvertrag",
        frist=datetime.date(2026, 12, 15),
    )
    actions.request_unterlagen(bewilligung_v01.antrag, acting_user=sachbearbeiterin_schulz)
    return bewilligung_v01


def test_the_tab_lists_the_letters_with_date_kind_and_download(
    client, settings, tmp_path, mit_anforderung, sachbearbeiterin_schulz, bg_krause
):
    settings.MEDIA_ROOT = tmp_path
    bescheid = mit_anforderung.schreiben.get()
    anforderung = mit_anforderung.antrag.schreiben.get(art="unterlagenanforderung")
    anmelden(client, sachbearbeiterin_schulz)
    seite = client.get(reverse("personen:bg_tab", args=[bg_krause.pk, "dokumente"])).content.decode()
    assert "Bewilligungsbescheid" in seite
    assert "Anforderung von Unterlagen (§ 60 SGB I)" in seite
    assert reverse("leistung:schreiben_datei", args=[anforderung.pk]) in seite
    assert f"{timezone.localdate():%d.%m.%Y}" in seite
    assert f"{mit_anforderung.entschieden_am:%d.%m.%Y}" in seite
    assert reverse("leistung:schreiben_datei", args=[bescheid.pk]) in seite
    assert "Bewilligungen ohne abgelegten Bescheid" not in seite


def test_a_download_is_a_read_event_about_the_persons_it_concerns(
    client, bewilligung_v01, sachbearbeiterin_schulz, bg_krause
):
    bescheid = bewilligung_v01.schreiben.get()
    krause = bg_krause.mitgliedschaften.get().person
    assert bescheid.dokument.person_id == krause.pk, "the letter is filed for its addressee too"
    anmelden(client, sachbearbeiterin_schulz)
    response = client.get(reverse("leistung:schreiben_datei", args=[bescheid.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.DOKUMENT_GELESEN, objekt_id=bescheid.dokument_id)
    assert (event.person_id, event.bedarfsgemeinschaft_id, event.acting_user) == (
        krause.pk,
        bg_krause.pk,
        sachbearbeiterin_schulz,
    )
    assert set(event.betroffene.values_list("person_id", flat=True)) | {event.person_id} == {krause.pk}


def test_other_teams_neither_see_nor_download(client, bewilligung_v01, sachbearbeiter_braun, bg_krause):
    bescheid = bewilligung_v01.schreiben.get()
    anmelden(client, sachbearbeiter_braun)
    assert client.get(reverse("leistung:schreiben_datei", args=[bescheid.pk])).status_code == 404
    assert client.get(reverse("personen:bg_tab", args=[bg_krause.pk, "dokumente"])).status_code == 404


def test_the_persons_file_lists_the_letters_addressed_to_them(
    client, bewilligung_v01, sachbearbeiterin_schulz, bg_krause
):
    bescheid = bewilligung_v01.schreiben.get()
    krause = bg_krause.mitgliedschaften.get().person
    anmelden(client, sachbearbeiterin_schulz)
    seite = client.get(reverse("personen:person_tab", args=[krause.pk, "dokumente"])).content.decode()
    assert reverse("leistung:schreiben_datei", args=[bescheid.pk]) in seite
    assert f"{bewilligung_v01.entschieden_am:%d.%m.%Y}" in seite
