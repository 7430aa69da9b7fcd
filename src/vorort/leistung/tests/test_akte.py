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
    assert f"{fall_v01['stichtag']:%m.%Y}" in text


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


def test_long_payment_history_is_paged_newest_first(
    client, bewilligung_v01, sachbearbeiterin_schulz, fall_v01
):
    """Issue 8: the demo has 24 months per BG; the tab showed the latest 24 rows and cut the rest."""
    from datetime import date
    from decimal import Decimal

    from vorort.leistung.models import Zahlung

    bg = bewilligung_v01.bedarfsgemeinschaft
    lauf, _ = start_zahllauf(sachbearbeiterin_schulz.mandant, date(2026, 1, 1), acting_user=None)
    for i in range(30):  # 30 months back from December 2026, the oldest 07/2024
        jahr, mon = divmod(2026 * 12 + 11 - i, 12)
        monat = date(jahr, mon + 1, 1)
        Zahlung.objects.create(
            mandant=bg.mandant,
            zahllauf=lauf,
            bedarfsgemeinschaft=bg,
            zahlmonat=monat,
            empfaenger=Zahlung.Empfaenger.BG,
            name="Testperson",
            iban="DE89370400440532013000",
            betrag=Decimal("500.00") + i,
            verwendungszweck=f"Leistung {monat:%m/%Y}",
            end_to_end_id=f"E2E-{i}",
        )
    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("personen:bg_tab", args=[bg.pk, "leistungen"])

    def monate(antwort) -> list[str]:
        seite = antwort.context["tab_kontext"]["leistungen"].zahlungen
        return [f"{z.zahlmonat:%Y-%m}" for z in seite.object_list]

    antwort = client.get(url)
    assert monate(antwort) == [f"2026-{m:02d}" for m in range(12, 0, -1)]
    html = antwort.content.decode()
    assert "30 Zahlungen, neueste zuerst; Seite 1 von 3" in html and "Nächste Seite" in html
    assert f"{url}?seite=2" in html or 'href="?seite=2"' in html

    antwort = client.get(url, {"seite": 3})
    assert monate(antwort) == [f"2024-{m:02d}" for m in range(12, 6, -1)]
    assert "Seite 3 von 3" in antwort.content.decode()
    assert monate(client.get(url, {"seite": "x"}))[0] == "2026-12"  # a bad page number shows page 1
