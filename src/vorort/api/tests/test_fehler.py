"""Requests that answered 500 (issue 8, defect 7) get a 4xx with a German `detail` naming the parameter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import anmelden
from django.urls import reverse

from vorort.leistung import actions
from vorort.leistung.models import Berechnung

pytestmark = pytest.mark.django_db


@pytest.fixture
def antrag(bg_krause, sachbearbeiterin_schulz):
    return actions.create_antrag(
        bg_krause,
        acting_user=sachbearbeiterin_schulz,
        antragsdatum=date(2026, 11, 2),
        kaltmiete_m=Decimal("400.00"),
        heizkosten_m=Decimal("80.00"),
    )


@pytest.fixture
def kompakte_berechnung(antrag, sachbearbeiterin_schulz):
    """A Berechnung as the demo history stores it (decision 0411): per month the five BG amounts,
    no engine input, no trace."""
    bg = {
        "regelbedarf_m": 563.0,
        "mehrbedarf_gesamt_m": 0.0,
        "kdu_anerkannt_m": 480.0,
        "einkommen_bereinigt_m": 0.0,
        "zahlbetrag_m": 1043.0,
    }
    return Berechnung.objects.create(
        mandant_id=antrag.mandant_id,
        antrag=antrag,
        bedarfsgemeinschaft_id=antrag.bedarfsgemeinschaft_id,
        antrag_version=antrag.version,
        monat_von=date(2026, 11, 1),
        monat_bis=date(2026, 12, 1),
        engine_version="1.0.0+contract-v2",
        parameter_hash="demo",
        eingabe={},
        ergebnis={"2026-11": {"bg": bg}, "2026-12": {"bg": bg}},
        traces={},
        zahlbetrag_erster_monat=Decimal("1043.00"),
        zahlbetrag_summe=Decimal("2086.00"),
        erstellt_von=sachbearbeiterin_schulz,
    )


def test_a_compact_berechnung_is_read_without_rechenweg(client, sachbearbeiterin_schulz, kompakte_berechnung):
    anmelden(client, sachbearbeiterin_schulz)
    for abfrage in ({}, {"monat": "2026-12"}):
        response = client.get(f"/api/berechnungen/{kompakte_berechnung.pk}", abfrage)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["rechenweg"] == [] and "kein ausführlicher Rechenweg gespeichert" in body["hinweis"]
        assert Decimal(body["zahlbetrag_erster_monat"]) == Decimal("1043.00")


@pytest.mark.parametrize(
    ("monat", "erwartet"),
    [
        ("2030-01", "Parameter „monat“ in der Abfrage: 2030-01 gehört nicht zu dieser Berechnung"),
        ("März", "Parameter „monat“ in der Abfrage: hat nicht die erwartete Form (JJJJ-MM"),
        ("2026-13", "Parameter „monat“ in der Abfrage: hat nicht die erwartete Form (JJJJ-MM"),
    ],
)
def test_an_unknown_month_is_a_422_naming_the_parameter(
    client, sachbearbeiterin_schulz, kompakte_berechnung, monat, erwartet
):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.get(f"/api/berechnungen/{kompakte_berechnung.pk}", {"monat": monat})
    assert response.status_code == 422
    assert erwartet in response.json()["detail"]


def test_a_thousand_search_terms_are_a_422_in_the_api(client, sachbearbeiterin_schulz, bg_krause):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.get("/api/personen", {"q": " ".join(["Krause"] * 1000)})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Parameter „q“ in der Abfrage: ist zu lang (höchstens 200")
    response = client.get("/api/personen", {"q": " ".join(["K"] * 11)})
    assert response.status_code == 422
    assert "höchstens 10 Suchbegriffe" in response.json()["detail"]
    assert client.get("/api/personen", {"q": "Krause"}).status_code == 200


def test_a_thousand_search_terms_get_a_message_in_the_ui(client, sachbearbeiterin_schulz, bg_krause):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.get(reverse("personen:suche"), {"q": " ".join(["Krause"] * 1000)})
    assert response.status_code == 200
    assert "Der Suchbegriff ist zu lang (6999 Zeichen, höchstens 200)" in response.content.decode()


def test_a_wrong_type_is_named_in_german(client, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.get("/api/personen/abc")
    assert response.status_code == 422
    assert response.json() == {"detail": "Parameter „person_id“ im Pfad: muss eine ganze Zahl sein."}
    assert client.get("/api/personen").json() == {"detail": "Parameter „q“ in der Abfrage: fehlt."}
