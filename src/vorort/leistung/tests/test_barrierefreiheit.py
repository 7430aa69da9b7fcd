"""WCAG 2.1 AA (axe-core) and reflow at 320 px on the pages of leistung, for caseworker and team lead.

Herr Krause's grant (golden case V01) is prepared by Frau Schulz, released by Frau Weber and paid
in a Zahllauf, so every page shows real rows.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core.tests.browser import anmelden, pruefe_seite, reiter_links
from vorort.leistung.eingabe import plus_monate
from vorort.leistung.zahllauf import run_zahllauf, start_zahllauf

pytestmark = pytest.mark.browser


def test_leistung_pages_meet_wcag_21_aa_and_reflow_at_320_px(
    live_server, page, bewilligung_v01, testkreis, sachbearbeiterin_schulz, teamleitung_weber
):
    url = live_server.url
    antrag = bewilligung_v01.antrag
    krause = antrag.bedarfsgemeinschaft.mitgliedschaften.get().person
    zahllauf, _ = start_zahllauf(testkreis, bewilligung_v01.von, acting_user=teamleitung_weber)
    run_zahllauf(zahllauf)
    schulz_app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    weber_app = TOTPDevice.objects.create(user=teamleitung_weber, name="App", confirmed=True)

    anmelden(page, url, "schulz", schulz_app)
    pruefe_seite(page, f"{url}{reverse('leistung:arbeitsvorrat')}")
    pruefe_seite(
        page, f"{url}{reverse('personen:bg_tab', args=[antrag.bedarfsgemeinschaft_id, 'leistungen'])}"
    )
    pruefe_seite(page, f"{url}{reverse('leistung:antrag_neu', args=[antrag.bedarfsgemeinschaft_id])}")
    pruefe_seite(page, f"{url}{reverse('leistung:antrag', args=[antrag.pk])}")
    pruefe_seite(page, f"{url}{reverse('leistung:antrag_person', args=[antrag.pk, krause.pk])}")
    pruefe_seite(page, f"{url}{reverse('leistung:berechnung', args=[bewilligung_v01.berechnung_id])}")
    pruefe_seite(page, f"{url}{reverse('leistung:bewilligung', args=[bewilligung_v01.pk])}")
    page.get_by_role("button", name="Abmelden").click()

    anmelden(page, url, "weber", weber_app)
    pruefe_seite(page, f"{url}/")
    pruefe_seite(page, f"{url}{reverse('leistung:arbeitsvorrat')}")
    pruefe_seite(page, f"{url}{reverse('leistung:arbeitsvorrat')}?liste=freigaben&wer=meine")
    pruefe_seite(page, f"{url}{reverse('leistung:zahllaeufe')}")
    # The preview of a month two after the paid one: with the warning and the box to confirm it.
    spaeter = plus_monate(bewilligung_v01.von, 2)
    pruefe_seite(page, f"{url}{reverse('leistung:zahllauf_vorschau')}?monat={spaeter:%m.%Y}")
    pruefe_seite(page, f"{url}{reverse('leistung:zahllauf', args=[zahllauf.pk])}")
    pruefe_seite(page, f"{url}{reverse('personen:person', args=[krause.pk])}")
    for reiter in reiter_links(page):
        pruefe_seite(page, reiter)
