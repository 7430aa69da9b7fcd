"""Who may release a decision: the reason says it (`FREIGABE_ROLLE`), the action enforces it, and the
"Freigeben" button is shown only to those who may use it (issue 8, defect 2)."""

from __future__ import annotations

import pytest
from conftest import anmelden
from django.urls import reverse

from vorort.core.exceptions import NotAllowed
from vorort.core.models import Rolle
from vorort.core.tests.factories import UserFactory
from vorort.leistung import actions
from vorort.leistung.models import Bewilligung, LeistungEinstellungen

pytestmark = pytest.mark.django_db


@pytest.fixture
def kollege_klein(testkreis, team_leistung_1):
    """A caseworker of Frau Schulz's team: he prepares the decisions in these tests."""
    return UserFactory(
        mandant=testkreis,
        username="kklein",
        first_name="Kai",
        last_name="Klein",
        rollen=[Rolle.LEISTUNG],
        teams=[team_leistung_1],
    )


def _vorbereiten(antrag, macher, *, teamleitung_pruefen: bool) -> Bewilligung:
    berechnung = actions.compute_berechnung(antrag, acting_user=macher)
    return actions.prepare_bewilligung(
        berechnung, acting_user=macher, teamleitung_pruefen=teamleitung_pruefen
    )


@pytest.fixture
def fuer_teamleitung(antrag_v01, kollege_klein, testkreis):
    """A renewal-like decision (no Erstbewilligung rule) that Herr Klein asks the team lead to check."""
    LeistungEinstellungen.objects.update_or_create(
        mandant=testkreis, defaults={"vier_augen_erstbewilligung": False, "vier_augen_nachzahlung_ab": None}
    )
    return _vorbereiten(antrag_v01, kollege_klein, teamleitung_pruefen=True)


def test_the_reason_names_the_team_lead(fuer_teamleitung):
    assert fuer_teamleitung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND
    assert fuer_teamleitung.vier_augen_grund == "Prüfung durch die Teamleitung"
    assert fuer_teamleitung.freigabe_rolle == Rolle.TEAMLEITUNG


def test_a_caseworker_cannot_release_what_the_team_lead_must_check(
    fuer_teamleitung, kollege_klein, sachbearbeiterin_schulz, teamleitung_weber
):
    with pytest.raises(NotAllowed, match="darf nur die Teamleitung freigeben"):
        actions.approve_bewilligung(fuer_teamleitung, acting_user=sachbearbeiterin_schulz)
    with pytest.raises(NotAllowed, match="selbst vorbereitet. Bitte lassen Sie die Teamleitung freigeben"):
        actions.approve_bewilligung(fuer_teamleitung, acting_user=kollege_klein)
    fuer_teamleitung.refresh_from_db()
    assert fuer_teamleitung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND

    actions.approve_bewilligung(fuer_teamleitung, acting_user=teamleitung_weber)
    fuer_teamleitung.refresh_from_db()
    assert fuer_teamleitung.status == Bewilligung.Status.BEWILLIGT
    assert fuer_teamleitung.freigegeben_von == teamleitung_weber


def test_a_first_grant_is_released_by_any_second_person(antrag_v01, kollege_klein, sachbearbeiterin_schulz):
    bewilligung = _vorbereiten(antrag_v01, kollege_klein, teamleitung_pruefen=False)
    assert bewilligung.vier_augen_grund.startswith("Erstbewilligung") and bewilligung.freigabe_rolle == ""
    actions.approve_bewilligung(bewilligung, acting_user=sachbearbeiterin_schulz)
    bewilligung.refresh_from_db()
    assert bewilligung.freigegeben_von == sachbearbeiterin_schulz


def _seite(client, user, bewilligung) -> str:
    client.logout()
    anmelden(client, user)
    response = client.get(reverse("leistung:bewilligung", args=[bewilligung.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _freigeben_knopf(seite: str) -> bool:
    return "/freigeben/" in seite and ">Freigeben<" in seite


@pytest.mark.parametrize(
    ("persona", "knopf", "meldung"),
    [
        (
            "kollege_klein",
            False,
            "Sie haben diese Entscheidung selbst vorbereitet. Bitte lassen Sie die Teamleitung",
        ),
        ("sachbearbeiterin_schulz", False, "Diese Bewilligung darf nur die Teamleitung freigeben"),
        ("teamleitung_weber", True, None),
    ],
)
def test_only_the_team_lead_sees_the_button(request, client, fuer_teamleitung, persona, knopf, meldung):
    seite = _seite(client, request.getfixturevalue(persona), fuer_teamleitung)
    assert _freigeben_knopf(seite) is knopf
    if meldung:
        assert meldung in seite


def test_the_worklist_offers_the_team_lead_item_only_to_the_team_lead(
    client, fuer_teamleitung, sachbearbeiterin_schulz, teamleitung_weber
):
    def freigaben(user):
        client.logout()
        anmelden(client, user)
        url = reverse("leistung:arbeitsvorrat")
        vorrat = client.get(url, {"liste": "freigaben", "wer": "team"}).context["vorrat"]
        return [z.eintrag for z in vorrat.zeilen]

    assert freigaben(sachbearbeiterin_schulz) == []
    assert freigaben(teamleitung_weber) == [fuer_teamleitung]


def test_the_maker_of_a_first_grant_sees_no_button_but_who_must_release(
    client, antrag_v01, kollege_klein, sachbearbeiterin_schulz
):
    bewilligung = _vorbereiten(antrag_v01, kollege_klein, teamleitung_pruefen=False)
    seite = _seite(client, kollege_klein, bewilligung)
    assert not _freigeben_knopf(seite)
    assert "Bitte lassen Sie eine zweite Person freigeben (Grund: Erstbewilligung" in seite
    assert _freigeben_knopf(_seite(client, sachbearbeiterin_schulz, bewilligung))


def test_preparing_with_the_box_ticked_asks_the_team_lead(client, antrag_v01, kollege_klein, testkreis):
    LeistungEinstellungen.objects.update_or_create(
        mandant=testkreis, defaults={"vier_augen_erstbewilligung": False, "vier_augen_nachzahlung_ab": None}
    )
    anmelden(client, kollege_klein)
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=kollege_klein)
    seite = client.get(reverse("leistung:berechnung", args=[berechnung.pk])).content.decode()
    assert "Von der Teamleitung prüfen und freigeben lassen" in seite
    client.post(
        reverse("leistung:bewilligung_vorbereiten", args=[berechnung.pk]), {"teamleitung_pruefen": "1"}
    )
    bewilligung = Bewilligung.objects.get()
    assert (bewilligung.status, bewilligung.freigabe_rolle) == ("freigabe_ausstehend", "teamleitung")
