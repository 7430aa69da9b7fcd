"""Browser journey of a duplicate: created with a warning, merged into the right record, undone.

Frau Schulz types "Susanne Schmid 03.07.1964" while "Susanne Schmidt 07.03.1964" lives in a BG of
her team (issue 8, defect 5). The form warns with the reasons; she creates the entry anyway (the
applicant insists it is someone else), then finds out at the counter that it is the same woman.
From the duplicate's file she opens the rarely used "Dublette zusammenführen", compares both
records side by side, keeps the real one, confirms, and finally undoes the merge from the dissolved
record. Every screen is checked with axe-core and at 320 px.
Screenshots: `/tmp/vorort-screenshots/dublette-*.png`.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from vorort.core.models import AuditEvent
from vorort.core.tests.browser import anmelden, pruefe_barrierefreiheit, pruefe_kleiner_bildschirm, screenshot
from vorort.personen.models import Person
from vorort.personen.tests.factories import BedarfsgemeinschaftFactory, MitgliedschaftFactory, PersonFactory

pytestmark = pytest.mark.browser


def pruefe(page, name: str) -> None:
    screenshot(page, f"dublette-{name}")
    pruefe_barrierefreiheit(page)
    pruefe_kleiner_bildschirm(page)


def test_duplicate_is_warned_merged_into_the_chosen_record_and_undone(
    live_server, page, sachbearbeiterin_schulz, testkreis, team_leistung_1
):
    bg = BedarfsgemeinschaftFactory(mandant=testkreis, team=team_leistung_1, nummer="15088BG0000077")
    schmidt = MitgliedschaftFactory(
        bedarfsgemeinschaft=bg,
        person=PersonFactory(
            mandant=testkreis, vorname="Susanne", nachname="Schmidt", geburtsdatum=datetime.date(1964, 3, 7)
        ),
    ).person
    app = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    anmelden(page, live_server.url, "schulz", app)

    page.get_by_role("link", name="Person anlegen").click()
    page.get_by_label("Vorname").fill("Susanne")
    page.get_by_label("Nachname").fill("Schmid")
    page.get_by_label("Geburtsdatum").fill("03.07.1964")
    page.get_by_label("Geschlecht").select_option("w")
    page.get_by_role("button", name="Person anlegen").click()
    warnung = page.get_by_role("alert").filter(has_text="Mögliche Dublette")
    expect(warnung).to_contain_text("Schmidt, Susanne")
    expect(warnung).to_contain_text("Nachname klingt gleich (Schmid / Schmidt)")
    expect(warnung).to_contain_text("Tag und Monat vertauscht (03.07.1964 / 07.03.1964)")
    pruefe(page, "1-warnung")
    page.get_by_label("Ich habe die möglichen Dubletten geprüft; es ist eine andere Person.").check()
    page.get_by_role("button", name="Person anlegen").click()
    page.get_by_role("heading", name="Susanne Schmid", exact=True).wait_for()
    schmid = Person.objects.get(nachname="Schmid")

    # The rare action sits apart, after the everyday ones.
    selten = page.locator("section.selten")
    expect(selten.get_by_role("heading", name="Selten benötigt")).to_be_visible()
    selten.get_by_role("link", name="Dublette zusammenführen").click()
    page.get_by_role("link", name=re.compile(r"Vergleichen mit Susanne Schmidt")).click()
    tabelle = page.get_by_role("table", name="Beide Einträge nebeneinander")
    expect(tabelle).to_contain_text("Schmidt, Susanne · BG 15088BG0000077")
    expect(page.get_by_label(f"Eintrag 1: Susanne Schmidt, {schmidt.kundennummer}")).to_be_checked()
    pruefe(page, "2-vergleich")
    page.get_by_label(f"Eintrag 1: Susanne Schmidt, {schmidt.kundennummer}").check()
    page.get_by_label("Grund der Zusammenführung").fill(
        "Doppelt angelegt am Empfang, Tag und Monat vertauscht"
    )
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    bestaetigung = page.get_by_role("alert").filter(has_text="Bitte bestätigen Sie die Zusammenführung")
    expect(bestaetigung).to_contain_text(f"Wird fortgeführt: Susanne Schmidt, {schmidt.kundennummer}")
    expect(bestaetigung).to_contain_text(f"Wird aufgelöst: Susanne Schmid, {schmid.kundennummer}")
    pruefe(page, "3-bestaetigung")
    page.get_by_role("button", name="Jetzt zusammenführen").click()

    expect(page.get_by_role("status").filter(has_text="zusammengeführt")).to_contain_text(
        f"{schmid.kundennummer} wurde in {schmidt.kundennummer} zusammengeführt"
    )
    page.get_by_role("heading", name="Susanne Schmidt", exact=True).wait_for()
    schmid.refresh_from_db()
    assert schmid.zusammengefuehrt_in == schmidt
    pruefe(page, "4-fortgefuehrt")

    page.get_by_role("link", name=f"Susanne Schmid, {schmid.kundennummer}").click()
    page.locator("section.selten").get_by_role("link", name="Zusammenführung rückgängig machen").click()
    page.get_by_label("Warum wird die Zusammenführung rückgängig gemacht?").fill("Doch zwei Personen")
    pruefe(page, "5-rueckgaengig")
    page.get_by_role("button", name="Zusammenführung rückgängig machen").click()
    expect(page.get_by_role("status").filter(has_text="rückgängig")).to_contain_text(
        f"{schmid.kundennummer} ist wieder eine eigene Akte"
    )
    schmid.refresh_from_db()
    assert schmid.zusammengefuehrt_in is None
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.ZUSAMMENFUEHRUNG_RUECKGAENGIG).count() == 1
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
