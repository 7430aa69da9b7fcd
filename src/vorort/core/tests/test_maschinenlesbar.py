"""Numbers for machines are never localised: ids of four digits in URLs, fields and scripts.

Issue 8: the idle timer read "1.800" as 1 second. Every main page of core and personen is
rendered here with ids above 1000; leistung's pages, with amounts above 1000, are checked in
`leistung/tests/test_maschinenlesbar.py`.
"""

from __future__ import annotations

import re

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse

from vorort.core.tests.maschinenlesbar import ids_ab, lokalisierte_zahlen, seiten_mit_lokalisierten_zahlen


@pytest.fixture(autouse=True)
def _ids_ab_1234(db):
    ids_ab(1234)


def seiten_links(html: str) -> list[str]:
    return re.findall(r'href="\?([^"]*)"', html)


def test_paging_links_carry_plain_page_numbers():
    # The Protokoll of a county easily has more than 1,000 pages of 50 events.
    seite = Paginator(range(60_000), 50).page(1001)
    html = render_to_string("includes/seiten.html", {"seite": seite, "abfrage": "person=K1"})
    assert lokalisierte_zahlen(html) == []
    assert seiten_links(html) == ["person=K1&amp;seite=1000", "person=K1&amp;seite=1002"]
    assert "Seite 1.001 von 1.200" in html  # for people, the German way


def test_main_pages_write_ids_for_machines_unlocalised(
    client, sachbearbeiterin_schulz, datenschutz_wagner, admin_adam, team_leistung_1, bg_krause, bg_mueller
):
    krause = bg_krause.mitgliedschaften.get().person
    assert krause.pk > 1000 and bg_krause.pk > 1000 and sachbearbeiterin_schulz.pk > 1000
    seiten = {
        sachbearbeiterin_schulz: [
            reverse("core:start"),
            f"{reverse('personen:suche')}?q=Krause",
            f"{reverse('personen:suche')}?q={bg_krause.nummer}",
            reverse("personen:person", args=[krause.pk]),
            *(reverse("personen:person_tab", args=[krause.pk, t]) for t in ("bg", "dokumente", "leistungen")),
            reverse("personen:bg", args=[bg_krause.pk]),
            reverse("personen:bg_tab", args=[bg_krause.pk, "leistungen"]),
            reverse("personen:aendern", args=[krause.pk]),
            reverse("personen:adresse_neu", args=[krause.pk]),
            reverse("personen:bankverbindung_neu", args=[krause.pk]),
            reverse("personen:zusammenfuehren", args=[krause.pk]),
        ],
        datenschutz_wagner: [
            reverse("core:start"),
            f"{reverse('core:protokoll')}?person={krause.kundennummer}",
        ],
        admin_adam: [
            reverse("core:start"),
            reverse("core:benutzer_liste"),
            reverse("core:benutzer_bearbeiten", args=[sachbearbeiterin_schulz.pk]),
            reverse("core:team_liste"),
            reverse("core:team_bearbeiten", args=[team_leistung_1.pk]),
        ],
    }
    assert seiten_mit_lokalisierten_zahlen(client, seiten) == {}
