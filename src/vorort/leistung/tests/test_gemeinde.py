"""The municipality (AGS) of an Antrag comes from the household's address: nobody types an AGS.

Postcodes as in the Saalekreis: 06217 is Merseburg alone, 06268 spans Querfurt and Obhausen.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import anmelden
from django.core.exceptions import ValidationError
from django.urls import reverse

from vorort.leistung import actions
from vorort.leistung.tests.test_views_antrag import antrag_formular
from vorort.personen.gemeinden import ags_fuer_anschrift, gemeinden_fuer_plz
from vorort.personen.models import Gemeinde

pytestmark = pytest.mark.django_db

MERSEBURG, QUERFURT, OBHAUSEN = "15088205", "15088265", "15088250"


@pytest.fixture
def gemeinden(testkreis, nachbarkreis):
    Gemeinde.objects.bulk_create(
        [
            Gemeinde(mandant=testkreis, ags=MERSEBURG, name="Merseburg, Stadt", postleitzahlen="06217"),
            Gemeinde(mandant=testkreis, ags=QUERFURT, name="Querfurt, Stadt", postleitzahlen="06268"),
            Gemeinde(mandant=testkreis, ags=OBHAUSEN, name="Obhausen", postleitzahlen="06268 06279"),
            # Another Mandant's list is never used.
            Gemeinde(mandant=nachbarkreis, ags="15990001", name="Auenstedt, Stadt", postleitzahlen="06217"),
        ]
    )


def test_a_postcode_finds_its_municipalities_of_the_mandant(testkreis, gemeinden):
    assert [g.ags for g in gemeinden_fuer_plz(testkreis.pk, "06217")] == [MERSEBURG]
    assert sorted(g.ags for g in gemeinden_fuer_plz(testkreis.pk, "06268")) == [OBHAUSEN, QUERFURT]
    assert [g.ags for g in gemeinden_fuer_plz(testkreis.pk, "06279")] == [OBHAUSEN]
    assert gemeinden_fuer_plz(testkreis.pk, "0621") == []
    # One municipality: its key. Several: the one known so far, if it is among them; else none.
    assert ags_fuer_anschrift(testkreis.pk, "06217", "") == MERSEBURG
    assert ags_fuer_anschrift(testkreis.pk, "06217", QUERFURT) == MERSEBURG
    assert ags_fuer_anschrift(testkreis.pk, "06268", OBHAUSEN) == OBHAUSEN
    assert ags_fuer_anschrift(testkreis.pk, "06268", MERSEBURG) == ""


def antrag_in(bg, plz: str, ags: str, user):
    haushalt = bg.haushalt
    haushalt.plz, haushalt.gemeinde_ags = plz, ags
    haushalt.save()
    return actions.create_antrag(
        bg,
        acting_user=user,
        antragsdatum=date(2023, 3, 1),
        kaltmiete_m=Decimal("420"),
        heizkosten_m=Decimal("75"),
    )


def test_the_antrag_takes_the_municipality_from_the_postcode(
    client, sachbearbeiterin_schulz, bg_krause, krause_konto, gemeinden
):
    antrag = antrag_in(bg_krause, "06217", "", sachbearbeiterin_schulz)
    assert antrag.gemeinde_ags == MERSEBURG

    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("leistung:antrag", args=[antrag.pk])
    seite = client.get(url).content.decode()
    assert "Merseburg, Stadt" in seite
    assert "Aus der Anschrift Gotthardstraße" in seite
    feld = client.get(url).context["form"]["gemeinde_ags"]
    assert feld.field.disabled, "one municipality for the postcode: shown, not chosen"

    # A tampered request cannot set another key.
    daten = antrag_formular(client, antrag) | {"gemeinde_ags": QUERFURT, "kaltmiete_m": "430,00"}
    assert client.post(url, daten).status_code == 302
    antrag.refresh_from_db()
    assert (antrag.gemeinde_ags, antrag.kaltmiete_m) == (MERSEBURG, Decimal("430.00"))


def test_a_postcode_of_several_municipalities_asks_which_one(
    client, sachbearbeiterin_schulz, bg_krause, krause_konto, gemeinden
):
    antrag = antrag_in(bg_krause, "06268", "", sachbearbeiterin_schulz)
    assert antrag.gemeinde_ags == ""
    with pytest.raises(ValidationError, match="Bitte wählen Sie im Antrag die Gemeinde der Wohnung"):
        actions.compute_berechnung(antrag, acting_user=sachbearbeiterin_schulz)

    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("leistung:antrag", args=[antrag.pk])
    seite = client.get(url).content.decode()
    assert "Die Postleitzahl 06268 gehört zu mehreren Gemeinden" in seite
    assert ">Obhausen</option>" in seite and ">Querfurt, Stadt</option>" in seite
    assert ">Merseburg, Stadt</option>" not in seite

    daten = antrag_formular(client, antrag)
    seite = client.post(url, daten | {"berechnen": "1"}).content.decode()
    assert "Bitte wählen Sie die Gemeinde der Wohnung." in seite
    assert not antrag.berechnungen.exists()

    response = client.post(url, daten | {"gemeinde_ags": OBHAUSEN, "berechnen": "1"})
    assert response.status_code == 302
    antrag.refresh_from_db()
    assert antrag.gemeinde_ags == OBHAUSEN
    assert antrag.berechnungen.get().antrag_version == antrag.version


def test_a_postcode_outside_the_area_offers_all_municipalities(
    client, sachbearbeiterin_schulz, bg_krause, krause_konto, gemeinden
):
    antrag = antrag_in(bg_krause, "10115", "", sachbearbeiterin_schulz)
    anmelden(client, sachbearbeiterin_schulz)
    seite = client.get(reverse("leistung:antrag", args=[antrag.pk])).content.decode()
    assert "Die Postleitzahl 10115 gehört zu keiner Gemeinde des Jobcenters" in seite
    assert ">Merseburg, Stadt</option>" in seite and ">Obhausen</option>" in seite
    assert ">Auenstedt, Stadt</option>" not in seite
