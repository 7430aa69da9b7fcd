"""The Leistungen tab of the BG file and the start page panel, registered by the leistung app."""

from __future__ import annotations

import pytest
from conftest import anmelden
from django.urls import reverse

from vorort.leistung.eingabe import monatsanfang
from vorort.leistung.selectors import Vorrat
from vorort.leistung.tests.faelle import erwartet_bg
from vorort.leistung.zahllauf import run_zahllauf, start_zahllauf

pytestmark = pytest.mark.django_db


def test_bg_tab_lists_antrag_bewilligung_and_zahlung(
    client, bewilligung_v01, sachbearbeiterin_schulz, fall_v01
):
    lauf, _ = start_zahllauf(
        sachbearbeiterin_schulz.mandant, monatsanfang(fall_v01["stichtag"]), acting_user=None
    )
    run_zahllauf(lauf)
    anmelden(client, sachbearbeiterin_schulz)
    bg = bewilligung_v01.bedarfsgemeinschaft
    response = client.get(reverse("personen:bg_tab", args=[bg.pk, "leistungen"]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Erstantrag" in text
    assert "bewilligt" in text
    betrag = f"{erwartet_bg(fall_v01, 'zahlbetrag_m'):.2f}".replace(".", ",")
    assert f"{betrag}\N{NO-BREAK SPACE}€" in text
    assert f"{fall_v01['stichtag']:%m/%Y}" in text


def test_bg_tab_is_empty_for_a_bg_without_benefits(client, bg_krause, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.get(reverse("personen:bg_tab", args=[bg_krause.pk, "leistungen"]))
    assert "Noch keine Einträge." in response.content.decode()


def test_start_panel_counts_the_release_waiting_for_weber(
    client, antrag_v01, sachbearbeiterin_schulz, teamleitung_weber
):
    from vorort.leistung import actions

    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
    anmelden(client, teamleitung_weber)
    response = client.get(reverse("core:start"))
    aufgaben = next(
        e["kontext"]["aufgaben"]
        for e in response.context["kacheln"]
        if e["kachel"].key == "leistung_aufgaben"
    )
    zahlen = {a.liste: a.team for a in aufgaben}
    assert zahlen[Vorrat.FREIGABEN] == 1
    assert zahlen[Vorrat.ANTRAEGE] == 1
    assert "Leistung: Arbeitsvorrat" in response.content.decode()
