"""WCAG 2.1 AA (axe-core) and reflow at 320 px on the main pages of core and personen, per role.

The pages of leistung are checked in `leistung/tests/test_barrierefreiheit.py`.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core.models import Rolle
from vorort.core.tests.browser import (
    anmelden,
    code_for,
    pruefe_barrierefreiheit,
    pruefe_seite,
    reiter_links,
    screenshots_beide_breiten,
)
from vorort.core.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def abmelden(page) -> None:
    page.get_by_role("button", name="Abmelden").click()
    page.get_by_role("heading", name="Anmelden").wait_for()


def test_login_pages_are_accessible(live_server, page, sachbearbeiterin_schulz):
    device = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    page.goto(f"{live_server.url}/")
    pruefe_barrierefreiheit(page)
    page.get_by_role("button", name="Anmelden").click()  # empty: the error summary
    page.locator("#fehlerzusammenfassung").wait_for()
    pruefe_barrierefreiheit(page)
    page.get_by_label("Benutzername").fill("schulz")
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/zweiter-faktor/"))
    pruefe_barrierefreiheit(page)
    page.get_by_label("Sechsstelliger Code").fill(code_for(device))
    page.get_by_role("button", name="Bestätigen").click()
    page.get_by_role("heading", name="Meine Aufgaben", exact=True).wait_for()


def test_main_pages_meet_wcag_21_aa_and_reflow_at_320_px(
    live_server, page, sachbearbeiterin_schulz, datenschutz_wagner, admin_adam, bg_krause, bg_mueller
):
    url = live_server.url
    krause = bg_krause.mitgliedschaften.get().person
    geraete = {
        user.username: TOTPDevice.objects.create(user=user, name="App", confirmed=True)
        for user in (sachbearbeiterin_schulz, datenschutz_wagner, admin_adam)
    }

    anmelden(page, url, "schulz", geraete["schulz"])
    pruefe_seite(page, f"{url}/")
    screenshots_beide_breiten(page, "a11y-start-leistung")
    pruefe_seite(page, f"{url}{reverse('personen:suche')}?q=Krause")
    pruefe_seite(page, f"{url}{reverse('personen:person', args=[krause.pk])}")
    screenshots_beide_breiten(page, "a11y-personenakte")
    for reiter in reiter_links(page):
        pruefe_seite(page, reiter)
    pruefe_seite(page, f"{url}{reverse('personen:bg', args=[bg_krause.pk])}")
    screenshots_beide_breiten(page, "a11y-bg-akte")
    for reiter in reiter_links(page):
        pruefe_seite(page, reiter)
    pruefe_seite(page, f"{url}{reverse('personen:neu')}")
    pruefe_seite(page, f"{url}{reverse('personen:aendern', args=[krause.pk])}")
    pruefe_seite(page, f"{url}{reverse('personen:adresse_neu', args=[krause.pk])}")
    pruefe_seite(page, f"{url}{reverse('personen:bankverbindung_neu', args=[krause.pk])}")
    abmelden(page)

    # Controlling's start page: the Kennzahlen panel's labels once broke mid-word at desktop width.
    fischer = UserFactory(
        mandant=sachbearbeiterin_schulz.mandant, username="fischer", rollen=[Rolle.CONTROLLING]
    )
    anmelden(page, url, "fischer", TOTPDevice.objects.create(user=fischer, name="App", confirmed=True))
    pruefe_seite(page, f"{url}/")
    abmelden(page)

    anmelden(page, url, "wagner", geraete["wagner"])
    pruefe_seite(page, f"{url}/")
    pruefe_seite(page, f"{url}{reverse('core:protokoll')}?person={krause.kundennummer}")

    abmelden(page)
    anmelden(page, url, "adam", geraete["adam"])
    pruefe_seite(page, f"{url}/")
    pruefe_seite(page, f"{url}{reverse('core:benutzer_liste')}")
    pruefe_seite(page, f"{url}{reverse('core:benutzer_neu')}")
    pruefe_seite(page, f"{url}{reverse('core:benutzer_bearbeiten', args=[sachbearbeiterin_schulz.pk])}")
    pruefe_seite(page, f"{url}{reverse('core:team_liste')}")
    pruefe_seite(page, f"{url}{reverse('core:mandant')}")
