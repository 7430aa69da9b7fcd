"""Bescheide of the demo county's decisions, built by the demo's own writer (issue 8, defects 2 and 3).

Demo Berechnungen are compact (decision 0411): BG amounts per month, the trace only for a few BGs.
Every one of them must still give its Bescheid, and releasing a demo renewal files it in the same
transaction as the release.
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import anmelden
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from vorort.core.exceptions import NotAllowed
from vorort.core.models import AuditEvent, Mandant, Rolle, User
from vorort.core.tests.factories import UserFactory
from vorort.demo.build import KREIS_KURZNAME, build_demo
from vorort.leistung import actions
from vorort.leistung.erklaerung import euro
from vorort.leistung.models import Antrag, Bewilligung, Schreiben
from vorort.leistung.pdf import bescheid_kontext

SEHR_KLEIN = 0.02


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build_demo(seed=7, scale=SEHR_KLEIN)
    return Mandant.objects.get(kurzname=KREIS_KURZNAME)


def _offene_weiterbewilligungen(kreis):
    offen = Bewilligung.objects.filter(
        mandant=kreis, status=Bewilligung.Status.FREIGABE_AUSSTEHEND, antrag__art=Antrag.Art.WEITERBEWILLIGUNG
    ).select_related("bedarfsgemeinschaft", "berechnung")
    assert offen.exists(), "the demo has renewals waiting for release"
    return list(offen)


def _teamleitung(bewilligung) -> User:
    """A team lead of the Mandant, the BG's own team first (as the demo's releasers)."""
    leitungen = User.objects.filter(mandant=bewilligung.mandant_id, groups__name=Rolle.TEAMLEITUNG.value)
    leitungen = leitungen.exclude(pk=bewilligung.erstellt_von_id)
    return (
        leitungen.filter(teams=bewilligung.bedarfsgemeinschaft.team_id).first() or leitungen.order_by("pk")[0]
    )


def _pdf_text(schreiben: Schreiben) -> str:
    with schreiben.dokument.datei.open("rb") as f:
        pdf = f.read()
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(text.stdout.decode().split())


def test_releasing_a_demo_renewal_files_its_bescheid(demo):
    bewilligung = _offene_weiterbewilligungen(demo)[0]
    assert not bewilligung.berechnung.eingabe, "a compact demo Berechnung, as the demo stores it"
    weber = _teamleitung(bewilligung)

    actions.approve_bewilligung(bewilligung, acting_user=weber)

    bewilligung.refresh_from_db()
    assert bewilligung.status == Bewilligung.Status.BEWILLIGT
    schreiben = bewilligung.schreiben.get(art=Schreiben.Art.BEWILLIGUNGSBESCHEID)
    text = _pdf_text(schreiben)
    assert f"insgesamt {euro(bewilligung.zahlbetrag_monat)}" in text
    assert f"vom {bewilligung.von:%d.%m.%Y} bis {bewilligung.bis:%d.%m.%Y}" in text
    for zitat in ("§ 20 Abs. 1a", "§ 41 Abs. 2 SGB II", "Rechtsbehelfsbelehrung"):
        assert zitat in text, zitat


def test_every_demo_decision_can_produce_its_bescheid(demo):
    bewilligungen = Bewilligung.objects.filter(mandant=demo).select_related("antrag", "berechnung")
    assert bewilligungen.count() > 100
    for bewilligung in bewilligungen:
        kontext = bescheid_kontext(bewilligung)
        assert kontext["erklaerung"], bewilligung.pk
        zahlbetrag = next(z for z in reversed(kontext["erklaerung"]) if z.text == "Zahlbetrag")
        assert zahlbetrag.norm == "§ 41 Abs. 2 SGB II"
        html = render_to_string("leistung/briefe/bewilligungsbescheid.html", kontext)
        assert euro(bewilligung.zahlbetrag_monat) in html, bewilligung.pk


def test_a_failing_bescheid_leaves_the_decision_unreleased(demo, monkeypatch):
    bewilligung = _offene_weiterbewilligungen(demo)[0]
    weber = _teamleitung(bewilligung)

    def kaputt(*args, **kwargs):
        raise IndexError("list index out of range")

    monkeypatch.setattr("vorort.leistung.pdf.render_bewilligungsbescheid", kaputt)
    with pytest.raises(actions.BescheidFehler, match="Entscheidung wurde deshalb nicht gespeichert"):
        actions.approve_bewilligung(bewilligung, acting_user=weber)

    bewilligung.refresh_from_db()
    assert bewilligung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND
    assert bewilligung.freigegeben_von is None
    assert not bewilligung.schreiben.exists()
    assert bewilligung.antrag.status == Antrag.Status.ENTSCHEIDUNGSREIF
    assert not AuditEvent.objects.filter(typ=AuditEvent.Typ.BEWILLIGUNG_FREIGEGEBEN, objekt_id=bewilligung.pk)


def test_a_caseworker_cannot_release_a_demo_renewal_for_the_team_lead(demo):
    bewilligung = _offene_weiterbewilligungen(demo)[0]
    assert bewilligung.vier_augen_grund == "Prüfung durch die Teamleitung"
    kollegin = UserFactory(
        mandant=demo, rollen=[Rolle.LEISTUNG], teams=[bewilligung.bedarfsgemeinschaft.team]
    )
    with pytest.raises(NotAllowed, match="darf nur die Teamleitung freigeben"):
        actions.approve_bewilligung(bewilligung, acting_user=kollegin)
    bewilligung.refresh_from_db()
    assert bewilligung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND


def test_the_dokumente_tab_files_the_bescheid_of_a_past_demo_decision(demo, client):
    vergangen = (
        Bewilligung.objects.filter(mandant=demo, status=Bewilligung.Status.BEWILLIGT, bis__lt="2026-01-01")
        .select_related("bedarfsgemeinschaft")
        .order_by("pk")
        .first()
    )
    assert not vergangen.schreiben.exists(), "the demo history files no letters"
    leitung = _teamleitung(vergangen)
    leitung.teams.add(vergangen.bedarfsgemeinschaft.team)  # her own team's file
    anmelden(client, leitung)
    tab = reverse("personen:bg_tab", args=[vergangen.bedarfsgemeinschaft_id, "dokumente"])
    seite = client.get(tab).content.decode()
    assert "Bewilligungen ohne abgelegten Bescheid" in seite
    erstellen = reverse("leistung:bescheid_erstellen", args=[vergangen.pk])
    assert erstellen in seite

    seite = client.post(erstellen, follow=True).content.decode()
    assert "erstellt und in der Akte abgelegt" in seite
    schreiben = vergangen.schreiben.get(art=Schreiben.Art.BEWILLIGUNGSBESCHEID)
    assert schreiben.datum == vergangen.entschieden_am  # dated the day of the decision, not today
    assert schreiben.datum < timezone.localdate()
    text = _pdf_text(schreiben)
    assert f"Datum {vergangen.entschieden_am:%d.%m.%Y}" in text
    assert f"insgesamt {euro(vergangen.zahlbetrag_monat)}" in text
    assert reverse("leistung:schreiben_datei", args=[schreiben.pk]) in seite
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.BESCHEID_ERSTELLT, objekt_id=schreiben.pk).exists()

    seite = client.post(erstellen, follow=True).content.decode()
    assert "bereits abgelegt" in seite
    assert vergangen.schreiben.count() == 1

    # Its compact Berechnung says why the Rechenweg is missing instead of showing empty tables.
    seite = client.get(reverse("leistung:berechnung", args=[vergangen.berechnung_id])).content.decode()
    assert "kein ausführlicher Rechenweg gespeichert" in seite
    assert "Kurzfassung wie im Bescheid" not in seite
