"""Browser journey of the benefits department: Antrag to SEPA file, through the real UI.

Frau Schulz logs in with password and TOTP, takes up Herr Krause's application with the facts of
golden case V01, calculates it and reads the German explanation with its §§; she prepares the
decision and may not release it herself. Frau Weber (Teamleitung) releases it, downloads the
Bescheid, starts the Zahllauf of the month, and the worker (`vorort worker --batch`, the same
command as in production) pays it. The SEPA file must be valid against the pain.001.001.09 XSD
and transfer the case's expected amount to Herr Krause. Expected amounts come from the case file.

Screenshots of each step land in `/tmp/vorort-screenshots/leistung-*.png` (`VORORT_SCREENSHOTS`) for review.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import xmlschema
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from vorort.core.tests.browser import anmelden, screenshot
from vorort.leistung.sepa import XSD
from vorort.leistung.tests.faelle import erwartet_bg

pytestmark = pytest.mark.browser
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


def euro_deutsch(betrag: Decimal) -> str:
    """The German way of writing an amount, as a caseworker expects it: 1.234,56 €."""
    ganz, cent = f"{betrag:.2f}".split(".")
    return f"{int(ganz):,}".replace(",", ".") + f",{cent} €"


def einheitlich(text: str) -> str:
    return re.sub(r"[\s\u00a0]+", " ", text)


def meldung(seite, text: str):
    """A message box: errors are announced as `alert`, everything else as `status`."""
    return seite.locator("[role=status], [role=alert]").filter(has_text=text)


def test_antrag_to_bescheid_to_sepa_file(
    live_server,
    page,
    tmp_path,
    sachbearbeiterin_schulz,
    teamleitung_weber,
    bg_krause,
    krause_konto,
    fall_v01,  # noqa: F811
):
    zahlbetrag = erwartet_bg(fall_v01, "zahlbetrag_m")
    stichtag = fall_v01["stichtag"]
    miete = fall_v01["persons"][0]
    schulz_app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    weber_app = TOTPDevice.objects.create(user=teamleitung_weber, name="App", confirmed=True)

    # Frau Schulz opens the BG of her team and takes up the application.
    anmelden(page, live_server.url, "schulz", schulz_app)
    page.goto(f"{live_server.url}/personen/bg/{bg_krause.pk}/")
    page.get_by_role("link", name="Leistungen", exact=True).click()
    page.get_by_role("link", name="Antrag aufnehmen").click()
    page.get_by_label("Antragsdatum").fill(f"{stichtag:%d.%m.%Y}")
    screenshot(page, "leistung-01-antrag-aufnehmen")
    page.get_by_role("button", name="Antrag aufnehmen").click()
    page.get_by_role("heading", name=f"Erstantrag vom {stichtag:%d.%m.%Y}").wait_for()

    # Household facts of the case, typed the German way.
    page.get_by_label("Bruttokaltmiete").fill(f"{miete['kaltmiete_m_hh']},00")
    page.get_by_label("Heizkosten").fill(f"{miete['heizkosten_m_hh']},00")
    page.get_by_role("button", name="Angaben speichern").click()
    expect(meldung(page, "Antrag gespeichert.")).to_be_visible()
    expect(page.get_by_label("Bruttokaltmiete")).to_have_value(f"{miete['kaltmiete_m_hh']},00")
    screenshot(page, "leistung-02-antrag")

    # The person's screen refuses an income without a month, next to the field, and keeps the entry.
    page.get_by_role("link", name="Karl Krause").click()
    page.get_by_label("Betrag brutto").fill("100,00")
    page.get_by_role("button", name="Einkommen hinzufügen").click()
    expect(page.locator("#id_monat_ab-fehler")).to_contain_text("Bitte den Monat des Zuflusses angeben")
    expect(page.get_by_label("Betrag brutto")).to_have_value("100,00")
    screenshot(page, "leistung-03-person-einkommen-fehler")
    page.get_by_role("link", name="zurück zum Antrag").click()

    # Calculation with its explanation in German, with the § of each step.
    page.get_by_role("button", name="Berechnen").click()
    page.get_by_role("heading", name=f"So wurde gerechnet ({stichtag:%m.%Y})").wait_for()
    kurzfassung = page.get_by_role("table", name="Kurzfassung wie im Bescheid")
    expect(kurzfassung).to_contain_text("Regelbedarf")
    expect(kurzfassung).to_contain_text("§ 20")
    expect(kurzfassung.get_by_role("row").filter(has_text="Zahlbetrag")).to_contain_text(
        euro_deutsch(zahlbetrag)
    )
    screenshot(page, "leistung-04-berechnung")

    # She prepares the decision; she cannot release it herself (Vier-Augen-Prinzip): no button, but who must.
    page.get_by_role("button", name="Bewilligung vorbereiten").click()
    expect(meldung(page, "wartet auf Freigabe durch eine zweite Person")).to_be_visible()
    expect(page.get_by_role("button", name="Freigeben")).to_have_count(0)
    expect(meldung(page, "Bitte lassen Sie eine zweite Person freigeben")).to_contain_text(
        "Sie haben diese Entscheidung selbst vorbereitet"
    )
    expect(page.get_by_text("Noch kein Bescheid.")).to_be_visible()
    screenshot(page, "leistung-05-vier-augen-abgelehnt")
    page.get_by_role("button", name="Abmelden").click()

    # Frau Weber follows her start page's counter to the team's worklist and releases it; Bescheid filed.
    anmelden(page, live_server.url, "weber", weber_app)
    page.get_by_role("link", name="Warten auf Freigabe: 1 im Team").click()
    freigaben = page.get_by_role("table", name=re.compile(r"^Warten auf Freigabe, sortiert nach"))
    expect(freigaben.get_by_role("row")).to_have_count(2)
    screenshot(page, "leistung-05b-arbeitsvorrat-freigaben")
    freigaben.get_by_role("link", name=bg_krause.nummer).click()
    page.get_by_role("button", name="Freigeben").click()
    expect(meldung(page, "Bewilligung freigegeben")).to_be_visible()
    screenshot(page, "leistung-06-freigegeben")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Bewilligungsbescheid .* herunterladen \(PDF\)")).click()
    pdf = tmp_path / "bescheid.pdf"
    download.value.save_as(pdf)
    text = einheitlich(
        subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert "Karl Krause" in text
    # Twelve months from the first month (§ 41 Abs. 3 SGB II): to the day before the same date a year later.
    ende = date(stichtag.year + 1, stichtag.month, 1) - timedelta(days=1)
    assert f"{stichtag:%d.%m.%Y} bis {ende:%d.%m.%Y}" in text
    assert euro_deutsch(zahlbetrag) in text
    assert "Rechtsbehelfsbelehrung" in text

    # The Zahllauf of the first month, started from its screen and paid by the worker.
    page.get_by_role("link", name="Meine Aufgaben", exact=True).click()
    page.get_by_role("link", name="zum Arbeitsvorrat Leistung").click()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Zahlläufe").click()
    page.get_by_label("Zahlmonat").fill(f"{stichtag:%m.%Y}")
    page.get_by_role("button", name="Vorschau anzeigen").click()
    # The preview: what the run will pay, before anything is booked; the start needs a second click.
    expect(page.get_by_role("heading", name=f"Zahllauf {stichtag:%m.%Y}: Vorschau")).to_be_visible()
    expect(page.get_by_role("row", name="Summe der Überweisungen")).to_contain_text(euro_deutsch(zahlbetrag))
    screenshot(page, "leistung-07-zahllauf-vorschau")
    page.get_by_role("button", name=f"Zahllauf {stichtag:%m.%Y} starten: 1 Überweisung").click()
    expect(meldung(page, f"Zahllauf {stichtag:%m.%Y} gestartet")).to_be_visible()
    call_command("worker", batch=True)
    # The page polls its status fragment every 2 s (htmx) until the run is finished.
    expect(page.get_by_text("abgeschlossen", exact=True)).to_be_visible(timeout=15_000)
    screenshot(page, "leistung-08-zahllauf-abgeschlossen")
    with page.expect_download() as download:
        page.get_by_role("link", name="SEPA-Datei 1 herunterladen").click()
    xml = Path(download.value.path()).read_bytes()

    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    krause = [
        t
        for t in ET.fromstring(xml).iterfind(".//p:CdtTrfTxInf", NS)
        if t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == krause_konto.iban
    ]
    assert len(krause) == 1
    assert Decimal(krause[0].findtext("p:Amt/p:InstdAmt", namespaces=NS)) == zahlbetrag
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
