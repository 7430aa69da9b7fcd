"""The Arbeitsvorrat: names and owners, "meine" and team filters, urgency order, paging, start-page links."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import anmelden
from django.urls import reverse

from vorort.core.models import Rolle
from vorort.core.tests.factories import TeamFactory, UserFactory
from vorort.leistung.models import Antrag, Unterlage
from vorort.leistung.selectors import JE_SEITE, Vorrat, arbeitsvorrat_for_user
from vorort.personen.models import Rolle as BgRolle
from vorort.personen.tests.factories import BedarfsgemeinschaftFactory, MitgliedschaftFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEUTE = date(2026, 12, 2)


def antrag_anlegen(team, *, sachbearbeitung=None, art=Antrag.Art.WEITERBEWILLIGUNG, eingang=HEUTE, name=None):
    """An open Antrag of a new BG of `team`; the BG's applicant is called `name` ("Nachname, Vorname")."""
    bg = BedarfsgemeinschaftFactory(mandant=team.mandant, team=team, sachbearbeitung=sachbearbeitung)
    nachname, vorname = (name or "Beispiel, Anna").split(", ")
    MitgliedschaftFactory(
        bedarfsgemeinschaft=bg,
        person=PersonFactory(mandant=team.mandant, nachname=nachname, vorname=vorname),
        gueltig_ab=date(2020, 1, 1),
    )
    return Antrag.objects.create(
        mandant=team.mandant,
        bedarfsgemeinschaft=bg,
        art=art,
        antragsdatum=eingang,
        leistungsbeginn=eingang.replace(day=1) if art == Antrag.Art.ERSTANTRAG else date(2027, 1, 1),
        gemeinde_ags="15088205",
        kaltmiete_m=Decimal("400"),
        heizkosten_m=Decimal("80"),
        erstellt_von=sachbearbeitung or UserFactory(mandant=team.mandant),
    )


def nummern(vorrat) -> list[str]:
    return [z.bg.nummer for z in vorrat.zeilen]


def test_rows_name_the_bg_members_and_who_owns_them(
    client, sachbearbeiterin_schulz, team_leistung_1, bg_krause
):
    antrag = antrag_anlegen(team_leistung_1, sachbearbeitung=sachbearbeiterin_schulz, name="Schmidt, Susanne")
    for rolle in (BgRolle.PARTNER, BgRolle.KIND):
        MitgliedschaftFactory(bedarfsgemeinschaft=antrag.bedarfsgemeinschaft, rolle=rolle)
    anmelden(client, sachbearbeiterin_schulz)
    seite = client.get(reverse("leistung:arbeitsvorrat")).content.decode()
    assert "Schmidt, Susanne (+2)" in seite
    assert antrag.bedarfsgemeinschaft.nummer in seite
    assert "Sabine Schulz" in seite and "Leistung 1" in seite


def test_meine_shows_own_and_unassigned_cases_team_shows_all(
    sachbearbeiterin_schulz, teamleitung_weber, team_leistung_1, team_leistung_2
):
    kollege = UserFactory(mandant=team_leistung_1.mandant, rollen=[Rolle.LEISTUNG], teams=[team_leistung_1])
    eigen = antrag_anlegen(team_leistung_1, sachbearbeitung=sachbearbeiterin_schulz)
    offen = antrag_anlegen(team_leistung_1, art=Antrag.Art.ERSTANTRAG)  # nobody assigned yet
    fremd = antrag_anlegen(team_leistung_1, sachbearbeitung=kollege)
    anderes_team = antrag_anlegen(team_leistung_2)
    bg = lambda a: a.bedarfsgemeinschaft.nummer  # noqa: E731

    meine = arbeitsvorrat_for_user(sachbearbeiterin_schulz, wer="meine", heute=HEUTE)
    assert sorted(nummern(meine)) == sorted([bg(eigen), bg(offen)])
    assert meine.anzahl[Vorrat.ANTRAEGE] == 2
    team = arbeitsvorrat_for_user(sachbearbeiterin_schulz, wer="team", heute=HEUTE)
    assert sorted(nummern(team)) == sorted([bg(eigen), bg(offen), bg(fremd)])
    assert bg(anderes_team) not in nummern(team)

    # A caseworker starts with her own cases, a Teamleitung with her team.
    assert arbeitsvorrat_for_user(sachbearbeiterin_schulz, heute=HEUTE).wer == "meine"
    assert arbeitsvorrat_for_user(teamleitung_weber, heute=HEUTE).wer == "team"


def test_teamleitung_of_two_teams_chooses_all_or_one(teamleitung_weber, team_leistung_1, team_leistung_2):
    teamleitung_weber.teams.add(team_leistung_2)
    eins = antrag_anlegen(team_leistung_1)
    zwei = antrag_anlegen(team_leistung_2)
    vorrat = arbeitsvorrat_for_user(teamleitung_weber, heute=HEUTE)
    assert [label for _key, label in vorrat.zustaendigkeiten] == [
        "Alle meine Teams",
        "Meine Fälle",
        "Team Leistung 1",
        "Team Leistung 2",
    ]
    assert vorrat.anzahl[Vorrat.ANTRAEGE] == 2
    nur_zwei = arbeitsvorrat_for_user(teamleitung_weber, wer=f"team-{team_leistung_2.pk}", heute=HEUTE)
    assert nummern(nur_zwei) == [zwei.bedarfsgemeinschaft.nummer]
    assert eins.bedarfsgemeinschaft.nummer not in nummern(nur_zwei)
    fremdes_team = TeamFactory(mandant=team_leistung_1.mandant)
    assert arbeitsvorrat_for_user(teamleitung_weber, wer=f"team-{fremdes_team.pk}", heute=HEUTE).wer == "team"


def test_urgency_puts_the_new_erstantrag_first_and_the_order_can_be_changed(
    sachbearbeiterin_schulz, team_leistung_1
):
    alt = [
        antrag_anlegen(
            team_leistung_1, sachbearbeitung=sachbearbeiterin_schulz, eingang=HEUTE - timedelta(days=40 - i)
        )
        for i in range(3)
    ]
    neu = antrag_anlegen(team_leistung_1, art=Antrag.Art.ERSTANTRAG, eingang=HEUTE)
    dringlich = arbeitsvorrat_for_user(sachbearbeiterin_schulz, heute=HEUTE)
    assert dringlich.sortierung.key == "dringlichkeit"
    assert nummern(dringlich)[0] == neu.bedarfsgemeinschaft.nummer
    eingang = arbeitsvorrat_for_user(sachbearbeiterin_schulz, sortierung="eingang", heute=HEUTE)
    assert nummern(eingang) == [a.bedarfsgemeinschaft.nummer for a in [*alt, neu]]
    assert [z.tage for z in eingang.zeilen] == [40, 39, 38, 0]
    neueste = arbeitsvorrat_for_user(sachbearbeiterin_schulz, sortierung="eingang_neu", heute=HEUTE)
    assert nummern(neueste) == nummern(eingang)[::-1]


def test_overdue_documents_longest_overdue_first(sachbearbeiterin_schulz, team_leistung_1):
    fristen = [HEUTE - timedelta(days=2), HEUTE - timedelta(days=30), HEUTE + timedelta(days=5)]
    for frist in fristen:
        antrag = antrag_anlegen(team_leistung_1, sachbearbeitung=sachbearbeiterin_schulz)
        Unterlage.objects.create(antrag=antrag, bezeichnung="Kontoauszüge", frist=frist)
    vorrat = arbeitsvorrat_for_user(sachbearbeiterin_schulz, liste="unterlagen", heute=HEUTE)
    assert [z.eintrag.frist for z in vorrat.zeilen] == [fristen[1], fristen[0]], "not yet due is not overdue"
    assert [z.tage for z in vorrat.zeilen] == [30, 2]


def test_paging_shows_the_total_and_an_erstantrag_beyond_row_50_is_reachable(
    client, sachbearbeiterin_schulz, team_leistung_1
):
    for i in range(JE_SEITE + 10):
        antrag_anlegen(
            team_leistung_1, sachbearbeitung=sachbearbeiterin_schulz, eingang=HEUTE - timedelta(days=90 - i)
        )
    neu = antrag_anlegen(team_leistung_1, art=Antrag.Art.ERSTANTRAG, eingang=HEUTE, name="Neumann, Nina")
    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("leistung:arbeitsvorrat")

    seite = client.get(url).content.decode()
    assert "Offene Anträge: 61 Einträge" in seite
    assert "Einträge 1 bis 50, Seite 1 von 2" in seite
    assert seite.index("Neumann, Nina") < seite.index("Beispiel, Anna"), "the Erstantrag leads the list"

    # Oldest first, the Erstantrag is row 61: on page 2, reached by the page link.
    response = client.get(url, {"liste": "antraege", "wer": "meine", "sortierung": "eingang"})
    erste = response.content.decode()
    assert "Neumann, Nina" not in erste
    naechste = re.search(r'href="\?([^"]*seite=2)"', erste)
    assert naechste, "a link to the next page"
    zweite = client.get(f"{url}?{naechste.group(1).replace('&amp;', '&')}")
    assert len(zweite.context["vorrat"].zeilen) == 11
    assert "Neumann, Nina" in zweite.content.decode()
    assert "Einträge 51 bis 61, Seite 2 von 2" in zweite.content.decode()
    assert zweite.context["vorrat"].sortierung.key == "eingang", "the page link keeps the order"
    assert neu.bedarfsgemeinschaft.nummer in nummern(zweite.context["vorrat"])


@pytest.mark.parametrize(
    "abfrage",
    [
        {"liste": "gibt-es-nicht"},
        {"wer": "team-999999"},
        {"wer": "team-abc"},
        {"sortierung": "'; drop"},
        {"seite": "x"},
        {"seite": "9999"},
    ],
)
def test_unknown_choices_fall_back_to_the_defaults(client, sachbearbeiterin_schulz, team_leistung_1, abfrage):
    antrag_anlegen(team_leistung_1, sachbearbeitung=sachbearbeiterin_schulz)
    anmelden(client, sachbearbeiterin_schulz)
    response = client.get(reverse("leistung:arbeitsvorrat"), abfrage)
    assert response.status_code == 200
    assert len(response.context["vorrat"].zeilen) == 1


def test_start_page_counters_say_whose_they_are_and_link_to_the_list(
    client, sachbearbeiterin_schulz, team_leistung_1
):
    kollege = UserFactory(mandant=team_leistung_1.mandant, rollen=[Rolle.LEISTUNG], teams=[team_leistung_1])
    antrag_anlegen(team_leistung_1, sachbearbeitung=sachbearbeiterin_schulz)
    for _ in range(2):
        antrag_anlegen(team_leistung_1, sachbearbeitung=kollege)
    anmelden(client, sachbearbeiterin_schulz)
    seite = client.get(reverse("core:start")).content.decode()
    assert "Ihre Fälle" in seite and "Team: alle Fälle von Leistung 1." in seite
    links = dict(
        re.findall(r'href="(/leistung/\?liste=antraege&amp;wer=\w+)" aria-label="[^"]*">(\d+)</a>', seite)
    )
    assert links == {
        "/leistung/?liste=antraege&amp;wer=meine": "1",
        "/leistung/?liste=antraege&amp;wer=team": "3",
    }
    for link, zahl in links.items():
        vorrat = client.get(link.replace("&amp;", "&")).context["vorrat"]
        assert vorrat.liste == Vorrat.ANTRAEGE
        assert vorrat.seite.paginator.count == len(vorrat.zeilen) == int(zahl)
