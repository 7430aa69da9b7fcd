"""People never read ISO dates: every main page of a case shows TT.MM.JJJJ and MM.JJJJ (issue 8, defect 8).

Herr Krause's case runs from application to payment (Antrag with an income, Berechnung, released
Bewilligung, Zahllauf); each page a caseworker, the Teamleitung or data protection opens is searched
for `JJJJ-MM-TT` or `JJJJ-MM` in its visible text. The API keeps ISO (machines), checked last.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import anmelden
from django.urls import reverse

from vorort.core.tests.sichtbar import iso_daten, sichtbarer_text
from vorort.leistung import actions
from vorort.leistung.models import Einkommen
from vorort.leistung.zahllauf import run_zahllauf, start_zahllauf

pytestmark = pytest.mark.django_db


def test_the_helper_finds_iso_dates_only_where_people_read_them():
    html = (
        '<p>Antrag vom 2026-03-01</p><a href="?monat=2026-03">03.2026</a>'
        '<input type="hidden" name="m" value="2026-03"><input name="d" value="2026-03-01">'
        '<script type="application/json">{"tag": "2026-03-01"}</script><p>Tel. 03461 40-0, IBAN DE89 3704</p>'
    )
    funde = iso_daten(html)
    assert len(funde) == 2
    assert funde[0].startswith("Antrag vom 2026-03-01")
    assert "03.2026 2026-03-01 Tel." in funde[1]


def test_no_main_page_shows_an_iso_date(
    client, antrag_v01, sachbearbeiterin_schulz, teamleitung_weber, datenschutz_wagner, testkreis
):
    krause = antrag_v01.bedarfsgemeinschaft.mitgliedschaften.get().person
    einkommen = actions.add_einkommen(
        antrag_v01,
        version=antrag_v01.version,
        acting_user=sachbearbeiterin_schulz,
        person_id=krause.pk,
        art=Einkommen.Art.RENTE,
        monat_ab=date(2023, 3, 1),
        monat_bis=date(2023, 8, 1),
        brutto=Decimal("300.00"),
    )
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    bewilligung = actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
    bg = antrag_v01.bedarfsgemeinschaft
    seiten = [
        reverse("core:start"),
        reverse("leistung:arbeitsvorrat"),
        reverse("leistung:antrag_neu", args=[bg.pk]),
        reverse("leistung:antrag", args=[antrag_v01.pk]),
        reverse("leistung:antrag_person", args=[antrag_v01.pk, krause.pk]),
        reverse("leistung:einkommen_aendern", args=[antrag_v01.pk, krause.pk, einkommen.pk]),
        reverse("leistung:berechnung", args=[berechnung.pk]),
        reverse("leistung:bewilligung", args=[bewilligung.pk]),
        reverse("personen:suche") + "?q=Krause",
        reverse("personen:neu"),
        reverse("personen:aendern", args=[krause.pk]),
        reverse("personen:adresse_neu", args=[krause.pk]),
        reverse("personen:bankverbindung_neu", args=[krause.pk]),
    ]
    funde = {}

    def pruefen(user, urls):
        client.logout()
        anmelden(client, user)
        for url in urls:
            antwort = client.get(url)
            assert antwort.status_code == 200, f"{url}: {antwort.status_code}"
            if treffer := iso_daten(antwort.content.decode()):
                funde[url] = treffer

    pruefen(sachbearbeiterin_schulz, seiten)
    actions.approve_bewilligung(bewilligung, acting_user=teamleitung_weber)
    zahllauf, _ = start_zahllauf(testkreis, bewilligung.von, acting_user=teamleitung_weber)
    run_zahllauf(zahllauf)
    tabs = [reverse("personen:bg_tab", args=[bg.pk, t]) for t in ("mitglieder", "leistungen", "dokumente")]
    tabs += [reverse("personen:person_tab", args=[krause.pk, t]) for t in ("stammdaten", "leistungen")]
    pruefen(
        teamleitung_weber,
        [
            reverse("core:start"),
            reverse("leistung:arbeitsvorrat"),
            reverse("leistung:zahllaeufe"),
            reverse("leistung:zahllauf", args=[zahllauf.pk]),
            reverse("leistung:bewilligung", args=[bewilligung.pk]),
            *tabs,
        ],
    )
    pruefen(
        datenschutz_wagner,
        [
            reverse("core:protokoll"),
            reverse("core:protokoll") + f"?person={krause.kundennummer}&von=01.01.2023&bis=31.12.2026",
        ],
    )
    assert funde == {}

    # Machines keep ISO: the API answers dates as JJJJ-MM-TT.
    client.logout()
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.get(f"/api/bedarfsgemeinschaften/{bg.pk}/antraege")
    assert antwort.status_code == 200
    assert '"antragsdatum": "2023-03-01"' in antwort.content.decode().replace('":"', '": "')
