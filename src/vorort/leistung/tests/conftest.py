"""Antrag fixtures built from golden cases (vorort/recht/tests/cases), for Frau Schulz's BG of Herr Krause."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from vorort.leistung import actions
from vorort.leistung.tests.faelle import lade_fall
from vorort.personen.models import Bankverbindung


@pytest.fixture
def fall_v01():
    return lade_fall("V01")


@pytest.fixture
def krause_konto(bg_krause):
    """Herr Krause's account; he has lived alone in his BG since 2020, so the golden cases' months fit."""
    bg_krause.mitgliedschaften.update(gueltig_ab=datetime.date(2020, 1, 1))
    person = bg_krause.mitgliedschaften.get().person
    return Bankverbindung.objects.create(
        person=person,
        iban="DE89370400440532013000",
        kontoinhaber="Karl Krause",
        gueltig_ab=datetime.date(2020, 1, 1),
    )


@pytest.fixture
def antrag_v01(bg_krause, krause_konto, sachbearbeiterin_schulz, fall_v01):
    """Herr Krause applies with the facts of golden case V01 (single, no income, rent 420 + heating 75)."""
    p = fall_v01["persons"][0]
    return actions.create_antrag(
        bg_krause,
        acting_user=sachbearbeiterin_schulz,
        antragsdatum=fall_v01["stichtag"],
        kaltmiete_m=Decimal(str(p["kaltmiete_m_hh"])),
        heizkosten_m=Decimal(str(p["heizkosten_m_hh"])),
    )


@pytest.fixture
def bewilligung_v01(antrag_v01, sachbearbeiterin_schulz, teamleitung_weber):
    """V01 granted: prepared by Frau Schulz, released by Frau Weber."""
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    bewilligung = actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
    return actions.approve_bewilligung(bewilligung, acting_user=teamleitung_weber)
