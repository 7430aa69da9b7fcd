"""Pinned query counts of the benefits lists (STYLE §3.4): they must not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import anmelden
from django.urls import reverse
from django.utils import timezone

from vorort.core.models import BackgroundJob
from vorort.leistung.eingabe import plus_monate
from vorort.leistung.models import Antrag, Berechnung, Bewilligung, Unterlage, Zahllauf
from vorort.leistung.selectors import Vorrat
from vorort.personen.models import Rolle
from vorort.personen.tests.factories import BedarfsgemeinschaftFactory, MitgliedschaftFactory

pytestmark = pytest.mark.django_db


def arbeitsvorrat_anlegen(anzahl: int, *, team, vorbereitet_von) -> None:
    """Per BG (applicant and child): an open Antrag with an overdue document, a decision waiting for release, a grant ending."""
    heute = timezone.localdate()
    for _ in range(anzahl):
        bg = BedarfsgemeinschaftFactory(mandant=team.mandant, team=team)
        MitgliedschaftFactory(bedarfsgemeinschaft=bg)
        MitgliedschaftFactory(bedarfsgemeinschaft=bg, rolle=Rolle.KIND)
        antrag = Antrag.objects.create(
            mandant=team.mandant,
            bedarfsgemeinschaft=bg,
            antragsdatum=heute,
            leistungsbeginn=heute.replace(day=1),
            gemeinde_ags="15088205",
            kaltmiete_m=Decimal("400"),
            heizkosten_m=Decimal("80"),
            erstellt_von=vorbereitet_von,
        )
        Unterlage.objects.create(antrag=antrag, bezeichnung="Kontoauszüge", frist=heute - timedelta(days=3))
        berechnung = Berechnung.objects.create(
            mandant=team.mandant,
            antrag=antrag,
            bedarfsgemeinschaft=bg,
            antrag_version=1,
            monat_von=heute,
            monat_bis=heute,
            engine_version="test",
            parameter_hash="test",
            eingabe={},
            ergebnis={},
            traces={},
            zahlbetrag_erster_monat=Decimal("997"),
            zahlbetrag_summe=Decimal("997"),
            erstellt_von=vorbereitet_von,
        )
        zeitraum = {"von": plus_monate(heute.replace(day=1), -11), "bis": heute + timedelta(days=20)}
        gemeinsam = {
            "mandant": team.mandant,
            "antrag": antrag,
            "berechnung": berechnung,
            "bedarfsgemeinschaft": bg,
            "zahlbetrag_monat": Decimal("997"),
            "empfaenger_name": "Test",
            "empfaenger_iban": "DE89370400440532013000",
            "erstellt_von": vorbereitet_von,
        } | zeitraum
        Bewilligung.objects.create(
            **gemeinsam,
            status=Bewilligung.Status.FREIGABE_AUSSTEHEND,
            vier_augen_erforderlich=True,
            vier_augen_grund="Erstbewilligung",
        )
        Bewilligung.objects.create(**gemeinsam, status=Bewilligung.Status.BEWILLIGT)


@pytest.mark.parametrize("liste", list(Vorrat))
@pytest.mark.parametrize("anzahl", [1, 20])
def test_arbeitsvorrat_queries_do_not_grow(
    anzahl,
    liste,
    client,
    django_assert_num_queries,
    teamleitung_weber,
    sachbearbeiterin_schulz,
    team_leistung_1,
):
    arbeitsvorrat_anlegen(anzahl, team=team_leistung_1, vorbereitet_von=sachbearbeiterin_schulz)
    anmelden(client, teamleitung_weber)
    # session, user, OTP device, permissions (user, groups); the user's teams (names for the filter,
    # ids for need to know) and roles (a Teamleitung starts with her teams); four worklists counted,
    # one query each (visible BGs as a subquery); one page of the chosen list with BG, caseworker and
    # team joined; the page's names (members of the BGs); header: Mandant, roles;
    # the session saved (savepoint, update, release).
    with django_assert_num_queries(18):
        response = client.get(reverse("leistung:arbeitsvorrat"), {"liste": liste})
    vorrat = response.context["vorrat"]
    assert list(vorrat.anzahl.values()) == [anzahl] * 4
    assert len(vorrat.zeilen) == anzahl
    assert all(z.name for z in vorrat.zeilen), "every BG is shown with its members' names"


@pytest.mark.parametrize("anzahl", [1, 20])
def test_zahllauf_liste_queries_do_not_grow(anzahl, client, django_assert_num_queries, teamleitung_weber):
    mandant = teamleitung_weber.mandant
    for i in range(anzahl):
        monat = plus_monate(date(2024, 1, 1), i)
        job = BackgroundJob.objects.create(
            mandant=mandant, art="zahllauf", eingabe={"zahlmonat": f"{monat:%Y-%m}"}
        )
        Zahllauf.objects.create(
            mandant=mandant,
            zahlmonat=monat,
            ausfuehrungsdatum=monat - timedelta(days=3),
            job=job,
            status=Zahllauf.Status.ABGESCHLOSSEN,
            bericht={"ueberweisungen": 1, "summe_ueberweisungen": "997.00"},
        )
    anmelden(client, teamleitung_weber)
    # session, user, OTP device, permissions (user, groups); header: Mandant, roles;
    # one page of Zahlläufe with their BackgroundJob joined; the session saved (savepoint, update, release).
    with django_assert_num_queries(11):
        response = client.get(reverse("leistung:zahllaeufe"))
    assert len(response.context["zahllaeufe"]) == anzahl
