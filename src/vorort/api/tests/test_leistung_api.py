"""Benefits over the API: same need-to-know, same actions and same Vier-Augen-Prinzip as the UI.

Amounts are checked against golden case V01 (`src/vorort/recht/tests/cases/V01_single.yaml`), never against
our own output.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import anmelden

from vorort.core.models import AuditEvent
from vorort.leistung import actions
from vorort.leistung.models import Berechnung, Bewilligung, Schreiben
from vorort.leistung.tests.faelle import erwartet_bg, lade_fall
from vorort.personen.models import Bankverbindung

pytestmark = pytest.mark.django_db


@pytest.fixture
def fall_v01():
    return lade_fall("V01")


@pytest.fixture
def antrag_v01(bg_krause, sachbearbeiterin_schulz, fall_v01):
    """Herr Krause (alone in his BG since 2020, with an account) applies with the facts of case V01."""
    bg_krause.mitgliedschaften.update(gueltig_ab=date(2020, 1, 1))
    Bankverbindung.objects.create(
        person=bg_krause.mitgliedschaften.get().person,
        iban="DE89370400440532013000",
        kontoinhaber="Karl Krause",
        gueltig_ab=date(2020, 1, 1),
    )
    p = fall_v01["persons"][0]
    return actions.create_antrag(
        bg_krause,
        acting_user=sachbearbeiterin_schulz,
        antragsdatum=fall_v01["stichtag"],
        kaltmiete_m=Decimal(str(p["kaltmiete_m_hh"])),
        heizkosten_m=Decimal(str(p["heizkosten_m_hh"])),
    )


@pytest.fixture
def vorbereitet(antrag_v01, sachbearbeiterin_schulz):
    """V01 calculated and prepared by Frau Schulz; the first grant waits for a second person."""
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    return actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)


def test_caseworker_calculates_and_reads_the_rechenweg(client, sachbearbeiterin_schulz, antrag_v01, fall_v01):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.post(f"/api/antraege/{antrag_v01.pk}/berechnen")
    assert response.status_code == 201
    body = response.json()
    berechnung = Berechnung.objects.get()
    assert body["id"] == berechnung.pk and body["monat"] == f"{fall_v01['stichtag']:%Y-%m}"
    assert Decimal(body["zahlbetrag_erster_monat"]) == erwartet_bg(fall_v01, "zahlbetrag_m")
    regelbedarf = [s for s in body["rechenweg"] if s["schritt"] == "Regelbedarf"]
    assert regelbedarf and regelbedarf[0]["wert"] == "502,00 €"  # case V01: regelbedarf_m 502.0
    assert regelbedarf[0]["rechtsgrundlage"].startswith("§ 20")
    assert (
        AuditEvent.objects.filter(
            typ=AuditEvent.Typ.BERECHNUNG_ERSTELLT, acting_user=sachbearbeiterin_schulz
        ).count()
        == 1
    )

    bg_id = antrag_v01.bedarfsgemeinschaft_id
    antraege = client.get(f"/api/bedarfsgemeinschaften/{bg_id}/antraege").json()
    assert [a["id"] for a in antraege] == [antrag_v01.pk]
    liste = client.get(f"/api/bedarfsgemeinschaften/{bg_id}/berechnungen").json()
    assert [b["id"] for b in liste] == [berechnung.pk] and "rechenweg" not in liste[0]
    detail = client.get(f"/api/berechnungen/{berechnung.pk}", {"monat": "2024-01"}).json()
    assert detail["monat"] == "2024-01"
    # Regelbedarfsstufe 1 from 2024-01-01: 563 € (RBSFV 2024, BGBl. 2023 I Nr. 287).
    assert any(s["wert"] == "563,00 €" for s in detail["rechenweg"] if s["schritt"] == "Regelbedarf")


def test_maker_gets_403_with_the_vier_augen_message_and_second_person_releases(
    client, sachbearbeiterin_schulz, teamleitung_weber, vorbereitet, fall_v01
):
    anmelden(client, sachbearbeiterin_schulz)
    url = f"/api/bewilligungen/{vorbereitet.pk}/freigeben"
    response = client.post(url)
    assert response.status_code == 403
    assert "zweite Person" in response.json()["detail"]
    vorbereitet.refresh_from_db()
    assert vorbereitet.status == Bewilligung.Status.FREIGABE_AUSSTEHEND

    client.logout()
    anmelden(client, teamleitung_weber)
    response = client.post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "bewilligt" and body["freigegeben_von_id"] == teamleitung_weber.pk
    assert Decimal(body["zahlbetrag_monat"]) == erwartet_bg(fall_v01, "zahlbetrag_m")
    bescheide = Schreiben.objects.filter(bewilligung=vorbereitet, art=Schreiben.Art.BEWILLIGUNGSBESCHEID)
    assert bescheide.count() == 1
    assert AuditEvent.objects.filter(
        typ=AuditEvent.Typ.BEWILLIGUNG_FREIGEGEBEN, acting_user=teamleitung_weber
    ).exists()
    bg_id = vorbereitet.bedarfsgemeinschaft_id
    bewilligungen = client.get(f"/api/bedarfsgemeinschaften/{bg_id}/bewilligungen")
    assert [(b["id"], b["status"]) for b in bewilligungen.json()] == [(vorbereitet.pk, "bewilligt")]

    again = client.post(url)
    assert again.status_code == 409
    assert "wartet nicht auf Freigabe" in again.json()["detail"]


@pytest.mark.parametrize("persona", ["sachbearbeiter_braun", "nachbar_nora"])
def test_other_team_and_other_mandant_get_404(request, client, persona, vorbereitet):
    anmelden(client, request.getfixturevalue(persona))
    bg_id = vorbereitet.bedarfsgemeinschaft_id
    for methode, pfad in [
        ("get", f"/api/bedarfsgemeinschaften/{bg_id}/antraege"),
        ("get", f"/api/bedarfsgemeinschaften/{bg_id}/berechnungen"),
        ("get", f"/api/bedarfsgemeinschaften/{bg_id}/bewilligungen"),
        ("get", f"/api/berechnungen/{vorbereitet.berechnung_id}"),
        ("post", f"/api/antraege/{vorbereitet.antrag_id}/berechnen"),
        ("post", f"/api/bewilligungen/{vorbereitet.pk}/freigeben"),
    ]:
        response = getattr(client, methode)(pfad)
        assert response.status_code == 404, pfad
        assert "nicht gefunden" in response.json()["detail"], pfad
    vorbereitet.refresh_from_db()
    assert vorbereitet.status == Bewilligung.Status.FREIGABE_AUSSTEHEND
    assert Berechnung.objects.count() == 1


def test_a_decided_antrag_is_not_calculated_again(
    client, sachbearbeiterin_schulz, teamleitung_weber, vorbereitet
):
    actions.approve_bewilligung(vorbereitet, acting_user=teamleitung_weber)
    anmelden(client, sachbearbeiterin_schulz)
    response = client.post(f"/api/antraege/{vorbereitet.antrag_id}/berechnen")
    assert response.status_code == 409
    assert response.json() == {"detail": "Für diesen Antrag wird nicht mehr gerechnet."}


def test_unverified_session_gets_401(client, sachbearbeiterin_schulz, antrag_v01):
    client.force_login(sachbearbeiterin_schulz)  # password only, no second factor
    assert client.post(f"/api/antraege/{antrag_v01.pk}/berechnen").status_code == 401
    assert Berechnung.objects.count() == 0
