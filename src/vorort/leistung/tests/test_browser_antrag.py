"""Browser journeys on the Antrag screens, typed as a caseworker types.

Frau Schulz takes up Herr Krause's application (golden case V01: rent 420 €, heating 75 €) and
clicks "Berechnen" right after typing the rent, without "Angaben speichern" first: the typed facts
are saved and calculated (defect 4 of issue 8). Expected amounts come from the case file.
Screenshots land in `/tmp/vorort-screenshots/antrag-*.png` (`VORORT_SCREENSHOTS`).
"""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from vorort.core.tests.browser import screenshot
from vorort.leistung.models import Antrag, Berechnung
from vorort.leistung.tests.faelle import erwartet_bg
from vorort.leistung.tests.test_browser import anmelden, euro_deutsch

pytestmark = pytest.mark.browser


def antrag_aufnehmen(page, base_url: str, bg, antragsdatum) -> None:
    page.goto(f"{base_url}/leistung/bg/{bg.pk}/antrag/neu/")
    page.get_by_label("Antragsdatum").press_sequentially(f"{antragsdatum:%d.%m.%Y}", delay=20)
    page.get_by_role("button", name="Antrag aufnehmen").click()
    page.get_by_role("heading", name=f"Erstantrag vom {antragsdatum:%d.%m.%Y}").wait_for()


def test_berechnen_saves_the_typed_rent_first(
    live_server, page, sachbearbeiterin_schulz, bg_krause, krause_konto, fall_v01
):
    stichtag = fall_v01["stichtag"]
    miete = fall_v01["persons"][0]
    app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    anmelden(page, live_server.url, "schulz", app)
    antrag_aufnehmen(page, live_server.url, bg_krause, stichtag)

    # She replaces the 0,00 of the unknown rent, types rent and heating and clicks "Berechnen" straight away.
    page.get_by_label("Bruttokaltmiete").clear()
    page.get_by_label("Bruttokaltmiete").press_sequentially(f"{miete['kaltmiete_m_hh']},00", delay=20)
    page.get_by_label("Heizkosten").clear()
    page.get_by_label("Heizkosten").press_sequentially(f"{miete['heizkosten_m_hh']},00", delay=20)
    page.get_by_role("button", name="Berechnen", exact=True).click()

    page.get_by_role("heading", name="Monate des Bewilligungszeitraums").wait_for()
    monate = page.get_by_role("table", name="Beträge der Bedarfsgemeinschaft je Monat")
    erster = monate.get_by_role("row").nth(1)
    expect(erster).to_contain_text(euro_deutsch(erwartet_bg(fall_v01, "kdu_anerkannt_m")))
    expect(erster).to_contain_text(euro_deutsch(erwartet_bg(fall_v01, "zahlbetrag_m")))
    expect(page.get_by_text("keine Kosten der Unterkunft")).to_have_count(0)
    screenshot(page, "antrag-02-berechnet-mit-miete")

    antrag = Antrag.objects.get()
    assert antrag.kaltmiete_m == miete["kaltmiete_m_hh"]
    assert Berechnung.objects.get().antrag_version == antrag.version


def test_berechnen_with_an_invalid_entry_keeps_it_and_calculates_nothing(
    live_server, page, sachbearbeiterin_schulz, bg_krause, krause_konto, fall_v01
):
    app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    anmelden(page, live_server.url, "schulz", app)
    antrag_aufnehmen(page, live_server.url, bg_krause, fall_v01["stichtag"])

    page.get_by_label("Bruttokaltmiete").fill("-420,00")
    page.get_by_label("Heizkosten").fill("75,00")
    page.get_by_role("button", name="Berechnen", exact=True).click()

    expect(page.locator("#id_kaltmiete_m-fehler")).to_contain_text("darf nicht negativ sein")
    expect(page.get_by_label("Bruttokaltmiete")).to_have_value("-420,00")
    expect(page.get_by_label("Heizkosten")).to_have_value("75,00")
    screenshot(page, "antrag-03-berechnen-fehler")
    assert not Berechnung.objects.exists()


def test_a_calculation_without_housing_costs_for_a_rented_flat_warns(
    live_server, page, sachbearbeiterin_schulz, bg_krause, krause_konto, fall_v01
):
    app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    anmelden(page, live_server.url, "schulz", app)
    antrag_aufnehmen(page, live_server.url, bg_krause, fall_v01["stichtag"])

    page.get_by_role("button", name="Berechnen", exact=True).click()

    page.get_by_role("heading", name="Monate des Bewilligungszeitraums").wait_for()
    warnung = page.get_by_role("alert").filter(has_text="keine Kosten der Unterkunft")
    expect(warnung).to_be_visible()
    expect(warnung).to_contain_text("zur Miete")
    screenshot(page, "antrag-04-warnung-ohne-kdu")
