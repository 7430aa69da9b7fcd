"""The caseworker's Rechenweg and the Bescheid speak plain German: no engine shorthand reaches a person.

The stored trace (and the Berechnung's API record) keep the engine's notation (`R`, `E_pool`, ratios,
field names); the screen and the letter say the same in words (`leistung.erklaerung`). The cases are
the law contract's golden cases taken up as Anträge: single, couple with earnings, single parent,
income, KdU limit after the Karenzzeit, Mehrbedarf, Grundsicherungsgeld with age-graded assets.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from vorort.core.tests.browser import screenshot
from vorort.leistung import actions
from vorort.leistung.models import Schreiben
from vorort.leistung.tests.faelle import bewilligung_aus_fall, lade_fall
from vorort.leistung.tests.test_browser import anmelden

#: What must never reach a person, with the reason it is jargon.
JARGON = {
    "engine version": r"Rechenkern|contract-v\d|\d+\.\d+\.\d+\+",
    "internal calculation number": r"Berechnung Nr\.",
    "note on the law contract": r"CONTRACT|nicht verifiziert|als in Kraft behandelt",
    "technical upper age bound": r"bis Alter \d+|\b999\b",
    "ratio with six decimals": r"\b\d,\d{4,}\b",
    "shorthand R and E_pool": r"E_pool|\bR\s*[:=]|\(R\b|/ R\b",
    "field name": r"\b[a-z]+_[a-z_]+\b",
}

#: Sentences a caseworker reads on the Rechenweg of the case (besides the absence of jargon).
RECHENWEG = {
    "V01": ["Vermögensfreibetrag in der Karenzzeit für die erste Person", "Anteil am ungedeckten Bedarf"],
    "V06": [
        "Erwerbstätigenfreibetrag: Anteil des Bruttos ab 100 € 20 %",
        "Einkommen der Bedarfsgemeinschaft",
    ],
    "V11": ["Anteil am ungedeckten Bedarf 71,83 %", "Karenzzeit"],
    "V16": ["Erwerbseinkommen brutto 80,00 €"],
    "V30": ["angewandte Regel für Unterkunft und Heizung 4 – nach der Karenzzeit: örtliche Grenzen"],
    "V35": ["Mehrbedarf Schwangerschaft"],
    "V55": ["Vermögensfreibetrag je Person von 21 bis 40 Jahren 10.000,00 €", "Grundsicherungsgeld"],
    "V53": [
        "Vermögensfreibetrag je Person bis 20 Jahre 5.000,00 €",
        "Vermögensfreibetrag je Person von 21 bis 40 Jahren 10.000,00 €",
        "Vermögensfreibetrag je Person ab 51 Jahren 15.000,00 €",
        "Wert nach § 12 Abs. 2 SGB II idF des Dreizehnten Gesetzes zur Änderung des SGB II",
    ],
}


class _Sichtbar(HTMLParser):
    """The text of <main> as a person reads it (collapsed sections included, scripts left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.teile: list[str] = []
        self.in_main = 0
        self.in_script = 0

    def handle_starttag(self, tag, attrs):
        self.in_main += tag == "main"
        self.in_script += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.in_main -= tag == "main"
        self.in_script -= tag in ("script", "style")

    def handle_data(self, data):
        if self.in_main and not self.in_script:
            self.teile.append(data)


def _sichtbar(html: str) -> str:
    parser = _Sichtbar()
    parser.feed(html)
    return " ".join(" ".join(parser.teile).split())


def _pdf_text(schreiben: Schreiben) -> str:
    with schreiben.dokument.datei.open("rb") as f:
        pdf = f.read()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


def _jargon(text: str) -> dict[str, list[str]]:
    return {grund: treffer for grund, muster in JARGON.items() if (treffer := re.findall(muster, text))}


@pytest.mark.parametrize("fall_id", sorted(RECHENWEG))
def test_rechenweg_and_bescheid_speak_plain_german(
    fall_id, team_leistung_1, sachbearbeiterin_schulz, teamleitung_weber, login_verified
):
    bewilligung = bewilligung_aus_fall(
        lade_fall(fall_id),
        team=team_leistung_1,
        sachbearbeitung=sachbearbeiterin_schulz,
        teamleitung=teamleitung_weber,
    )
    client = login_verified(sachbearbeiterin_schulz)
    seite = client.get(reverse("leistung:berechnung", args=[bewilligung.berechnung_id]))
    assert seite.status_code == 200
    rechenweg = _sichtbar(seite.content.decode())
    assert "Alle Rechenschritte mit Formel" in rechenweg
    assert _jargon(rechenweg) == {}
    for satz in RECHENWEG[fall_id]:
        assert satz in rechenweg, satz

    schreiben = bewilligung.schreiben.filter(art=Schreiben.Art.BEWILLIGUNGSBESCHEID).first()
    schreiben = schreiben or actions.create_bescheid(bewilligung, acting_user=sachbearbeiterin_schulz)
    bescheid = _pdf_text(schreiben)
    assert _jargon(bescheid) == {}
    for satz in (
        "Wie sich der Betrag berechnet",
        "Kranken- und Pflegeversicherung",
        "Rechtsbehelfsbelehrung",
    ):
        assert satz in bescheid, satz


def test_the_stored_trace_keeps_the_engine_notation(
    team_leistung_1, sachbearbeiterin_schulz, teamleitung_weber
):
    """Only the words for people change: the stored trace and the API's record keep names and ratios."""
    fall = lade_fall("V11")
    bewilligung = bewilligung_aus_fall(
        fall, team=team_leistung_1, sachbearbeitung=sachbearbeiterin_schulz, teamleitung=teamleitung_weber
    )
    trace = bewilligung.berechnung.traces[bewilligung.berechnung.monate[0]]
    schritte = {s["key"]: s for s in trace["steps"]}
    assert schritte["einkommen_pool_m_bg<2024-04>"]["formula"].startswith("E_pool")
    # V11 has no income beyond the child's own Kindergeld: each share is the person's claim over the BG's.
    bg = fall["expected"]["bg"][1]["leistungsanspruch_m"]
    erwartet = [round(p["leistungsanspruch_m"] / bg, 6) for p in fall["expected"]["person"].values()]
    assert [s["value"] for s in trace["steps"] if s["name"] == "bedarfsanteil"] == erwartet


@pytest.mark.browser
def test_caseworker_reads_the_rechenweg_of_a_family_in_the_browser(
    live_server, page, team_leistung_1, sachbearbeiterin_schulz, teamleitung_weber
):
    """Frau Schulz opens the Rechenweg of a couple with two children (Grundsicherungsgeld) and every step."""
    bewilligung = bewilligung_aus_fall(
        lade_fall("V55"),
        team=team_leistung_1,
        sachbearbeitung=sachbearbeiterin_schulz,
        teamleitung=teamleitung_weber,
    )
    app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    anmelden(page, live_server.url, "schulz", app)
    page.goto(f"{live_server.url}{reverse('leistung:berechnung', args=[bewilligung.berechnung_id])}")
    page.get_by_text("Alle Rechenschritte mit Formel", exact=True).click()
    alle = page.get_by_role("table", name="Alle Rechenschritte mit Formel und Rechtsgrundlage")
    expect(alle).to_be_visible()
    expect(
        alle.get_by_role("row", name="Bedarfsgemeinschaft Einkommen der Bedarfsgemeinschaft")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="So wurde gerechnet (10.2026)")).to_be_visible()
    screenshot(page, "leistung-rechenweg-familie")
    assert _jargon(page.locator("main").inner_text()) == {}
