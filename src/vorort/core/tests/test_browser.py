"""Browser journey through the real UI with Playwright and Debian's chromium.

Frau Schulz logs in with password and TOTP, finds Herrn Krause despite a typo, opens his file;
Frau Wagner (Datenschutz) then finds that read in the Protokoll. An administrator without a
second factor enrols one. Screenshots of each main page land in `/tmp/vorort-screenshots/` for review.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core.tests.browser import anmelden, code_for, screenshot
from vorort.core.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def assert_kern_styles_and_no_csp_errors(page) -> None:
    schrift = page.evaluate("getComputedStyle(document.querySelector('.kern-btn')).fontFamily")
    assert "Fira Sans" in schrift, schrift
    assert page.evaluate("document.fonts.check('16px \"Fira Sans\"')")
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors


def test_caseworker_opens_a_file_and_data_protection_sees_the_read(
    live_server, page, sachbearbeiterin_schulz, datenschutz_wagner, bg_krause, bg_mueller
):
    krause = bg_krause.mitgliedschaften.get().person
    schulz_app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    wagner_app = TOTPDevice.objects.create(user=datenschutz_wagner, name="App", confirmed=True)

    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name="Anmelden").wait_for()
    screenshot(page, "01-anmelden")
    anmelden(page, live_server.url, "schulz", schulz_app)
    assert (
        page.get_by_role("navigation", name="Hauptnavigation")
        .get_by_role("link", name="Meine Aufgaben")
        .get_attribute("aria-current")
        == "page"
    )
    screenshot(page, "02-start-leistung")
    assert_kern_styles_and_no_csp_errors(page)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Personensuche").click()
    # Live search (htmx): typing is enough, with a typo in the name.
    page.get_by_label("Suchbegriff").press_sequentially("Krauze", delay=30)
    ergebnis = page.get_by_role("link", name="Krause, Karl")
    ergebnis.wait_for()
    assert page.get_by_role("cell", name="15088BG0000042").is_visible()
    assert page.get_by_role("link", name=re.compile("Müller")).count() == 0  # team Leistung 2's case
    screenshot(page, "03-personensuche")
    ergebnis.click()

    page.get_by_role("heading", name="Karl Krause").wait_for()
    assert page.get_by_text(krause.kundennummer).first.is_visible()
    screenshot(page, "04-personenakte")
    page.get_by_role("link", name="Bedarfsgemeinschaft", exact=True).click()
    page.get_by_role("heading", name=re.compile(r"Heutige Mitglieder: .* · BG 15088BG0000042")).wait_for()
    assert (
        page.get_by_role("link", name="Bedarfsgemeinschaft", exact=True).get_attribute("aria-current")
        == "page"
    )
    screenshot(page, "05-personenakte-bg")
    assert_kern_styles_and_no_csp_errors(page)
    page.get_by_role("button", name="Abmelden").click()
    page.get_by_role("heading", name="Anmelden").wait_for()

    anmelden(page, live_server.url, "wagner", wagner_app)
    page.get_by_role("link", name="Protokoll durchsuchen").wait_for()
    screenshot(page, "06-start-datenschutz")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Protokoll").click()
    page.get_by_label("Person").fill(krause.kundennummer)
    page.get_by_role("button", name="Suchen").click()
    zeile = page.get_by_role("row").filter(has_text="Personenakte geöffnet")
    zeile.first.wait_for()
    assert "Sabine Schulz (schulz)" in zeile.first.inner_text()
    assert "Krause, Karl" in zeile.first.inner_text()
    assert page.get_by_text("Protokollkette vollständig und unverändert").is_visible()
    screenshot(page, "07-protokoll")
    with page.expect_download() as download:
        page.get_by_role("link", name="Als CSV exportieren").click()
    inhalt = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Personenakte geöffnet;schulz;Sabine Schulz" in inhalt
    with page.expect_download() as download:
        page.get_by_role("link", name="Auskunft nach Art. 15 DSGVO für Krause, Karl").click()
    auskunft = subprocess.run(
        ["pdftotext", download.value.path(), "-"], capture_output=True, check=True
    ).stdout.decode()
    auskunft = " ".join(auskunft.split())
    assert "Auskunft über die Verarbeitung Ihrer Daten" in auskunft
    assert "Personenakte geöffnet" in auskunft and "Schulz" not in auskunft

    page.get_by_label("Person").fill("")
    page.get_by_label("Benutzer/in").fill("Sabine")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_text("Sabine Schulz (schulz)").first.wait_for()
    zeilen = page.get_by_role("row").filter(has_text="Personenakte geöffnet")
    assert all("(schulz)" in z for z in zeilen.all_inner_texts())
    assert_kern_styles_and_no_csp_errors(page)


def test_administrator_enrols_a_second_factor_and_manages_users(
    live_server, page, admin_adam, team_leistung_1
):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Benutzername").fill("adam")
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Zweiten Faktor einrichten").wait_for()
    assert page.get_by_role("img", name=re.compile("QR-Code")).is_visible()
    screenshot(page, "08-zweiter-faktor-einrichten")
    device = TOTPDevice.objects.get(user=admin_adam, confirmed=False)
    page.get_by_label("Sechsstelliger Code").fill(code_for(device))
    page.get_by_role("button", name="Einrichtung bestätigen").click()
    page.get_by_text("Der zweite Faktor ist eingerichtet.").wait_for()

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Benutzer/innen").click()
    page.get_by_role("link", name="Benutzer/in anlegen").click()
    page.get_by_label("Benutzername").fill("neumann")
    page.get_by_label("Vorname").fill("Nina")
    page.get_by_label("Erstes Passwort").fill("Ein-langes-Startpasswort-1")
    page.get_by_label("Leistungssachbearbeitung").check()
    page.get_by_label("Leistung 1").check()
    page.get_by_role("button", name="Speichern").click()
    # The surname is missing: the message sits next to the field, the entries are kept.
    fehler = page.locator("#id_last_name-fehler")
    fehler.wait_for()
    assert "Bitte geben Sie den Nachnamen ein." in fehler.inner_text()
    assert page.get_by_label("Vorname").input_value() == "Nina"
    screenshot(page, "09-benutzer-formularfehler")
    page.get_by_label("Nachname").fill("Neumann")
    page.get_by_label("Erstes Passwort").fill("Ein-langes-Startpasswort-1")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("link", name="Neumann, Nina").wait_for()
    screenshot(page, "10-benutzerliste")
    assert_kern_styles_and_no_csp_errors(page)
