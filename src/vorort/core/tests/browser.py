"""Playwright fixtures and helpers for browser tests (registered in the root conftest).

Tests drive Debian's chromium (`/usr/bin/chromium`, installed by `scripts/setup.sh`) headless.
Every test can check a page for WCAG 2.1 AA with axe-core (`pruefe_barrierefreiheit`) and for
reflow at 320 CSS pixels (`pruefe_kleiner_bildschirm`).
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is intended.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
# Screenshots for review: outside var/ (the demo's data), where every run overwrites the last.
SCREENSHOTS = Path(os.environ.get("VORORT_SCREENSHOTS", Path(tempfile.gettempdir()) / "vorort-screenshots"))
# axe-core from npm (package.json devDependency, installed by `npm ci` in scripts/setup.sh).
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# WCAG 1.4.10 Reflow: content fits 320 CSS pixels without scrolling in two dimensions.
SCHMAL = {"width": 320, "height": 640}
BREIT = {"width": 1280, "height": 900}

pytestmark = pytest.mark.browser


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def anmelden(page, base_url: str, username: str, device: TOTPDevice) -> None:
    """Log in through the login page with password and the device's current TOTP code."""
    from vorort.core.tests.factories import TEST_PASSWORD

    page.goto(f"{base_url}/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/zweiter-faktor/"))
    page.get_by_label("Sechsstelliger Code").fill(code_for(device))
    page.get_by_role("button", name="Bestätigen").click()
    page.get_by_role("heading", name="Meine Aufgaben", exact=True).wait_for()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} fehlt: bitte `apt-get install -y chromium` ausführen (das Setup-Skript tut das)."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=BREIT)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def screenshots_beide_breiten(page, name: str) -> None:
    """Screenshots of the page at desktop width and at 320 px, to look at before a review."""
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(SCHMAL)
    try:
        screenshot(page, f"{name}-320")
    finally:
        page.set_viewport_size(BREIT)


def pruefe_seite(page, url: str) -> None:
    """Open a page and check it for WCAG 2.1 AA (axe-core), whole words at desktop width, and
    reflow at 320 px."""
    antwort = page.goto(url)
    assert antwort is not None and antwort.ok, f"{url}: HTTP {antwort and antwort.status}"
    pruefe_barrierefreiheit(page)
    getrennt = _getrennte_woerter(page)
    assert not getrennt, f"{url}: bei {BREIT['width']} px mitten im Wort umbrochen: {', '.join(getrennt)}"
    pruefe_kleiner_bildschirm(page)


def reiter_links(page) -> list[str]:
    """The addresses of all tabs of the file (Akte) shown on the page."""
    return page.locator(".reiter a").evaluate_all("links => links.map(a => a.href)")


@functools.cache
def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} fehlt: bitte `npm ci` ausführen (das Setup-Skript tut das).")
    return AXE.read_text(encoding="utf-8")


def pruefe_barrierefreiheit(page) -> None:
    """Assert that axe-core finds no WCAG 2.1 AA violation on the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's strict Content-Security-Policy
    does not restrict, so the page under test stays exactly as it is served.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    ergebnis = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    verstoesse = ergebnis["violations"]
    assert not verstoesse, f"axe-core: WCAG 2.1 AA verletzt auf {page.url}\n" + _axe_bericht(verstoesse)


def _axe_bericht(verstoesse: list[dict]) -> str:
    zeilen = []
    for verstoss in verstoesse:
        zeilen.append(
            f"- {verstoss['id']} ({verstoss['impact']}): {verstoss['help']} <{verstoss['helpUrl']}>"
        )
        for knoten in verstoss["nodes"][:5]:
            zeilen.append(f"    {' > '.join(map(str, knoten['target']))}: {knoten['html'][:160]}")
            zeilen.append(f"      {knoten['failureSummary'].replace(chr(10), ' ')[:300]}")
        if len(verstoss["nodes"]) > 5:
            zeilen.append(f"    … und {len(verstoss['nodes']) - 5} weitere Stellen")
    return "\n".join(zeilen)


def pruefe_kleiner_bildschirm(page) -> None:
    """Assert WCAG 1.4.10 at 320 CSS pixels: no horizontal page scrolling, "Abmelden" reachable.

    Wide data tables may scroll inside themselves (vorort.css); the page itself may not. Labels,
    headings and navigation must not wrap mid-word. The viewport is put back to desktop width.
    """
    page.set_viewport_size(SCHMAL)
    try:
        breiten = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        if breiten["scroll"] > breiten["client"]:
            screenshot(
                page, "320px-" + re.sub(r"\W+", "-", page.url.split("//", 1)[-1].split("/", 1)[-1]).strip("-")
            )
        assert breiten["scroll"] <= breiten["client"], (
            f"{page.url}: bei 320 px scrollt die Seite waagerecht "
            f"({breiten['scroll']} > {breiten['client']} px): " + ", ".join(_zu_breit(page))
        )
        getrennt = _getrennte_woerter(page)
        assert not getrennt, f"{page.url}: bei 320 px mitten im Wort umbrochen: {', '.join(getrennt)}"
        abmelden = page.get_by_role("button", name="Abmelden")
        abmelden.scroll_into_view_if_needed()
        assert abmelden.is_visible(), f"{page.url}: „Abmelden“ ist bei 320 px nicht sichtbar"
        box = abmelden.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= SCHMAL["width"], (
            f"{page.url}: „Abmelden“ liegt bei 320 px außerhalb des Bildschirms: {box}"
        )
        abmelden.click(trial=True)  # actionable: visible, enabled, not covered by anything
    finally:
        page.set_viewport_size(BREIT)


def _zu_breit(page) -> list[str]:
    """Name the elements that stick out on the right, to say what to fix."""
    return page.evaluate(
        """() => {
            const grenze = document.documentElement.clientWidth;
            const namen = [];
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right > grenze + 0.5 && !el.closest('.tabelle-rahmen')) {
                    const klassen = el.className ? '.' + String(el.className).split(' ').join('.') : '';
                    namen.push(el.tagName.toLowerCase() + klassen + ' (' + Math.round(r.right) + ' px)');
                }
            }
            return namen.slice(0, 8);
        }"""
    )


def _getrennte_woerter(page) -> list[str]:
    """Words in headings, labels, navigation, tabs, table headers and buttons that wrap mid-word.

    A break after a hyphen ("BG-" / "Nummer") is a word boundary and allowed.

    Stricter than needed where a browser hyphenates ("Bedarfs-gemeinschaft" would be fine): the
    Debian chromium of the tests has no hyphenation dictionaries, so any break here is a bare one.
    """
    return page.evaluate(
        """() => {
            const getrennt = [];
            const auswahl = 'h1, h2, h3, legend, label, th, dt, .kern-btn, .hauptnavigation__link, .reiter a';
            for (const el of document.querySelectorAll(auswahl)) {
                const gang = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                for (let text = gang.nextNode(); text; text = gang.nextNode()) {
                    for (const treffer of text.data.matchAll(/[^\\s\\u00ad-]{2,}/g)) {
                        const bereich = document.createRange();
                        bereich.setStart(text, treffer.index);
                        bereich.setEnd(text, treffer.index + treffer[0].length);
                        const zeilen = new Set([...bereich.getClientRects()]
                            .filter(r => r.width > 0).map(r => Math.round(r.top)));
                        if (zeilen.size > 1) getrennt.push(treffer[0]);
                    }
                }
            }
            return getrennt.slice(0, 8);
        }"""
    )
