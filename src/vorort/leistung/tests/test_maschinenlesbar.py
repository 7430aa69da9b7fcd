"""Numbers for machines are never localised on leistung's pages; amounts above 1000 survive a save.

Herr Krause pays 1.200,00 € rent and earns 1.450,00 €; every id has four digits. The pages must
write ids unlocalised into URLs, fields and data attributes, and the Antrag form, posted back
exactly as the browser shows it ("1.200,00"), must store the same amounts (issue 8).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from conftest import anmelden
from django.urls import reverse

from vorort.core.tests.maschinenlesbar import formularwerte, ids_ab, seiten_mit_lokalisierten_zahlen
from vorort.leistung import actions
from vorort.leistung.models import Einkommen
from vorort.leistung.zahllauf import run_zahllauf, start_zahllauf

STICHTAG = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _ids_ab_1234(db):
    ids_ab(1234)


@pytest.fixture
def antrag_teuer(bg_krause, krause_konto, sachbearbeiterin_schulz):
    antrag = actions.create_antrag(
        bg_krause,
        acting_user=sachbearbeiterin_schulz,
        antragsdatum=STICHTAG,
        kaltmiete_m=Decimal("1200.00"),
        heizkosten_m=Decimal("1150.50"),
    )
    actions.add_einkommen(
        antrag,
        version=antrag.version,
        acting_user=sachbearbeiterin_schulz,
        person_id=krause_konto.person_id,
        art=Einkommen.Art.ERWERB,
        monat_ab=STICHTAG,
        brutto=Decimal("1450.00"),
    )
    antrag.refresh_from_db()
    return antrag


def test_antrag_form_reads_back_the_amounts_it_shows(client, antrag_teuer, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("leistung:antrag", args=[antrag_teuer.pk])
    werte = formularwerte(client.get(url).content.decode(), "kaltmiete_m")
    assert werte["kaltmiete_m"] == "1.200,00"  # shown the German way to the caseworker
    antwort = client.post(url, werte)
    assert antwort.status_code == 302, antwort.context["form"].errors
    antrag_teuer.refresh_from_db()
    assert antrag_teuer.kaltmiete_m == Decimal("1200.00")
    assert antrag_teuer.heizkosten_m == Decimal("1150.50")


def test_leistung_pages_write_ids_for_machines_unlocalised(
    client, antrag_teuer, testkreis, sachbearbeiterin_schulz, teamleitung_weber
):
    krause = antrag_teuer.bedarfsgemeinschaft.mitgliedschaften.get().person
    berechnung = actions.compute_berechnung(antrag_teuer, acting_user=sachbearbeiterin_schulz)
    bewilligung = actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
    assert min(antrag_teuer.pk, berechnung.pk, bewilligung.pk, krause.pk) > 1000
    seiten = {
        sachbearbeiterin_schulz: [
            reverse("core:start"),
            reverse("leistung:arbeitsvorrat"),
            reverse("leistung:antrag", args=[antrag_teuer.pk]),
            reverse("leistung:antrag_person", args=[antrag_teuer.pk, krause.pk]),
            reverse("leistung:berechnung", args=[berechnung.pk]),
            reverse("leistung:bewilligung", args=[bewilligung.pk]),
        ],
        teamleitung_weber: [reverse("core:start"), reverse("leistung:arbeitsvorrat")],
    }
    assert seiten_mit_lokalisierten_zahlen(client, seiten) == {}

    actions.approve_bewilligung(bewilligung, acting_user=teamleitung_weber)
    zahllauf, _ = start_zahllauf(testkreis, bewilligung.von, acting_user=teamleitung_weber)
    run_zahllauf(zahllauf)
    nach_der_zahlung = [
        reverse("leistung:zahllaeufe"),
        reverse("leistung:zahllauf", args=[zahllauf.pk]),
        reverse("leistung:bewilligung", args=[bewilligung.pk]),
        reverse("personen:bg_tab", args=[antrag_teuer.bedarfsgemeinschaft_id, "leistungen"]),
        reverse("personen:person_tab", args=[krause.pk, "leistungen"]),
    ]
    assert seiten_mit_lokalisierten_zahlen(client, {teamleitung_weber: nach_der_zahlung}) == {}
