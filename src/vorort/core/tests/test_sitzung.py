"""The idle timeout in a real browser: a person who reads, waits and types slowly stays signed in.

Issue 8: everybody was sent to the login page six seconds after each page load, and typing did
not count as activity. These tests linger on pages as people do (tens of seconds in all), so
they are slow on purpose; `wait_for_timeout` is the person reading, not a wait for the app.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from vorort.core.tests.browser import anmelden, code_for, pruefe_barrierefreiheit, screenshot
from vorort.core.tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIPPEN = 120  # ms between two keys: a slow typist


def seitenwechsel_merken(page) -> list[str]:
    """Every address the tab shows from now on, including redirects a script starts."""
    adressen: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and adressen.append(frame.url))
    return adressen


def lesen(page, sekunden: float) -> None:
    """Stay on the page without touching anything, as a person reading it."""
    page.evaluate("() => { window.vorortNochDa = true; }")
    page.wait_for_timeout(sekunden * 1000)
    assert page.evaluate("() => window.vorortNochDa === true"), f"{page.url} wurde neu geladen"


def test_caseworker_who_reads_and_types_slowly_is_never_logged_out(
    live_server, page, sachbearbeiterin_schulz, bg_krause
):
    krause = bg_krause.mitgliedschaften.get().person
    app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    adressen = seitenwechsel_merken(page)

    # An empty browser: she types the address of the system and logs in.
    page.goto(f"{live_server.url}/")
    page.get_by_label("Benutzername").press_sequentially("schulz", delay=TIPPEN)
    page.get_by_label("Passwort").press_sequentially(TEST_PASSWORD, delay=TIPPEN)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/zweiter-faktor/"))
    # She looks for her phone: the code page waits for her and does not reload.
    lesen(page, 12)
    expect(page).to_have_url(re.compile(r"/zweiter-faktor/"))
    page.get_by_label("Sechsstelliger Code").press_sequentially(code_for(app), delay=TIPPEN)
    page.get_by_role("button", name="Bestätigen").click()
    page.get_by_role("heading", name="Meine Aufgaben", exact=True).wait_for()
    lesen(page, 8)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Personensuche").click()
    page.get_by_label("Suchbegriff").press_sequentially("Krause", delay=TIPPEN)
    treffer = page.get_by_role("link", name="Krause, Karl")
    treffer.wait_for()
    lesen(page, 12)
    treffer.click()
    page.get_by_role("heading", name=re.compile("Karl Krause")).wait_for()
    lesen(page, 13)

    # He has moved: she records the new address slowly, field by field, and saves it.
    page.get_by_role("link", name="Neue Anschrift").click()
    page.get_by_label("Straße").press_sequentially("Lindenstraße", delay=TIPPEN)
    page.get_by_label("Hausnummer").press_sequentially("12a", delay=TIPPEN)
    page.get_by_label("Adresszusatz").press_sequentially("bei Müller, Hinterhaus", delay=TIPPEN)
    page.get_by_label("PLZ").press_sequentially("06217", delay=TIPPEN)
    page.get_by_label("Ort").press_sequentially("Merseburg", delay=TIPPEN)
    gueltig_ab = page.get_by_label("gültig ab")  # suggests today; she types the date herself
    gueltig_ab.clear()
    gueltig_ab.press_sequentially(f"{timezone.localdate():%d.%m.%Y}", delay=TIPPEN)
    page.get_by_role("button", name="Speichern").click()
    expect(
        page.locator("[role=status]").filter(has_text=re.compile("Anschrift wurde gespeichert"))
    ).to_be_visible()
    assert krause.adressen.filter(strasse="Lindenstraße", hausnummer="12a").exists()

    nach_anmeldung = adressen[adressen.index(next(a for a in adressen if "/zweiter-faktor/" in a)) :]
    assert not [a for a in nach_anmeldung if "/anmelden/" in a], adressen
    assert not page.get_by_role("dialog").is_visible()
    assert not page.console_errors, page.console_errors


@pytest.fixture
def kurze_sitzung(settings):
    """Sessions that end after 16 s without a request, so idleness can be waited for in a test.

    vorort.js then renews at most every 4 s while there is input and warns 4 s before the end.
    """
    settings.SESSION_COOKIE_AGE = 16
    return 16


def sitzung_endet(page) -> datetime:
    """When the server will end the session of the browser's session cookie."""
    schluessel = [c["value"] for c in page.context.cookies() if c["name"] == "sessionid"]
    assert schluessel, f"keine Sitzung mehr auf {page.url}"
    return Session.objects.get(session_key=schluessel[0]).expire_date


def test_typing_keeps_a_short_session_alive_and_idleness_ends_it(
    live_server, page, kurze_sitzung, sachbearbeiterin_schulz, bg_krause
):
    krause = bg_krause.mitgliedschaften.get().person
    app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    anmelden(page, live_server.url, "schulz", app)
    page.goto(f"{live_server.url}{reverse('personen:adresse_neu', args=[krause.pk])}")
    ende_beim_laden = sitzung_endet(page)

    # About 25 s of continuous typing (longer than the session) without any page request.
    adresszusatz = "Hinterhaus, zweiter Stock links, bei Familie Müller-Lüdenscheidt"
    page.get_by_label("Straße").press_sequentially("Lindenstraße", delay=300)
    page.get_by_label("Adresszusatz").press_sequentially(adresszusatz, delay=300, timeout=60_000)
    page.get_by_label("Ort").press_sequentially("Merseburg", delay=300)
    # The server really renewed the session while she typed: it now ends later than it would have.
    assert (sitzung_endet(page) - ende_beim_laden).total_seconds() > kurze_sitzung
    assert not page.get_by_role("dialog").is_visible()
    page.get_by_label("Hausnummer").fill("12a")
    page.get_by_label("PLZ").fill("06217")
    page.get_by_label("gültig ab").fill(f"{timezone.localdate():%d.%m.%Y}")
    page.get_by_role("button", name="Speichern").click()
    expect(
        page.locator("[role=status]").filter(has_text=re.compile("Anschrift wurde gespeichert"))
    ).to_be_visible()
    assert krause.adressen.filter(adresszusatz=adresszusatz).exists()

    # She stops working. Shortly before the end a dialog warns her; the button renews the session.
    # (Her last input came after the last request, so the script first renews once silently.)
    page.get_by_role("link", name="Neue Anschrift").click()
    page.get_by_label("Straße").fill("Am Markt")
    warnung = page.get_by_role("dialog", name="Ihre Sitzung läuft bald ab")
    expect(warnung).to_be_visible(timeout=3 * kurze_sitzung * 1000)
    expect(warnung).to_contain_text("Nicht gespeicherte Eingaben gehen dann verloren.")
    verlaengern = warnung.get_by_role("button", name="Sitzung verlängern")
    expect(verlaengern).to_be_focused()
    pruefe_barrierefreiheit(page)
    screenshot(page, "sitzung-warnung")
    verlaengern.press("Enter")
    expect(warnung).to_be_hidden()
    expect(page.get_by_label("Straße")).to_be_focused()  # back where she was typing
    expect(page.locator("#sitzung-meldung")).to_have_text("Ihre Sitzung wurde verlängert.")
    expect(page.get_by_label("Straße")).to_have_value("Am Markt")

    # This time nobody answers the warning: the page moves to the login page and says why.
    expect(warnung).to_be_visible(timeout=2 * kurze_sitzung * 1000)
    page.wait_for_url(re.compile(r"/anmelden/\?abgelaufen=1"), timeout=kurze_sitzung * 1000)
    expect(page.get_by_text("Sie wurden nach 16 Sekunden ohne Aktivität abgemeldet.")).to_be_visible()
    screenshot(page, "sitzung-abgelaufen")
    # The server ended the session too: the file is not reachable without logging in again.
    antwort = page.request.get(
        f"{live_server.url}{reverse('personen:person', args=[krause.pk])}", max_redirects=0
    )
    assert antwort.status == 302
    assert antwort.headers["location"].startswith("/anmelden/")


def test_live_search_after_the_session_ended_moves_to_the_login_page(
    live_server, page, sachbearbeiterin_schulz, bg_krause
):
    app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    anmelden(page, live_server.url, "schulz", app)
    page.goto(f"{live_server.url}{reverse('personen:suche')}")
    Session.objects.all().delete()  # the server ended the session (here: by hand)
    page.get_by_label("Suchbegriff").press_sequentially("Krause", delay=TIPPEN)
    # Not a login form inside the search results: the login page itself, saying why.
    page.wait_for_url(re.compile(r"/anmelden/\?abgelaufen=1"))
    expect(page.get_by_text("ohne Aktivität abgemeldet")).to_be_visible()
    expect(page.get_by_label("Suchbegriff")).to_have_count(0)
