"""Letters: rendered as tagged PDF, filed with their checksum, key content checked in the extracted text."""

from __future__ import annotations

import datetime
import doctest
import hashlib
import re
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string

from vorort.akte.models import Dokument
from vorort.core.models import AuditEvent
from vorort.leistung import actions, verfahrensrecht
from vorort.leistung.erklaerung import euro
from vorort.leistung.models import Schreiben, Unterlage
from vorort.leistung.tests.faelle import bewilligung_aus_fall, erwartet_bg, lade_fall


def _text(dokument: Dokument) -> str:
    with dokument.datei.open("rb") as f:
        pdf = f.read()
    assert hashlib.sha256(pdf).hexdigest() == dokument.sha256
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Tagged:          yes" in info, "an accessible, tagged PDF"
    return " ".join(text.decode().split())


def _bescheid(bewilligung, acting_user) -> Schreiben:
    """The Bescheid of a released decision: the one written on release, or written now."""
    vorhanden = bewilligung.schreiben.filter(art=Schreiben.Art.BEWILLIGUNGSBESCHEID).first()
    return vorhanden or actions.create_bescheid(bewilligung, acting_user=acting_user)


def test_bewilligungsbescheid_explains_the_amount(
    bewilligung_v01, sachbearbeiterin_schulz, testkreis, fall_v01
):
    schreiben = bewilligung_v01.schreiben.get()  # filed with the release
    assert schreiben.art == Schreiben.Art.BEWILLIGUNGSBESCHEID
    dokument = schreiben.dokument
    assert dokument.art == Dokument.Art.BESCHEID
    assert dokument.bedarfsgemeinschaft_id == bewilligung_v01.bedarfsgemeinschaft_id
    text = _text(dokument)
    assert testkreis.name in text
    assert "Karl Krause" in text
    von, bis = bewilligung_v01.von, bewilligung_v01.bis
    assert f"vom {von:%d.%m.%Y} bis {bis:%d.%m.%Y}" in text
    assert f"insgesamt {euro(erwartet_bg(fall_v01, 'zahlbetrag_m'))}" in text
    assert euro(erwartet_bg(fall_v01, "regelbedarf_m")) in text
    assert euro(erwartet_bg(fall_v01, "kdu_anerkannt_m")) in text
    for zitat in ("§ 20 Abs. 1a", "§ 22 Abs. 1", "§ 41 Abs. 3 SGB II", "§ 41 Abs. 2 SGB II"):
        assert zitat in text, zitat
    assert "Rechtsstand: Bürgergeld, Stand 01.01.2023" in text  # V01 is in March 2023
    assert "Rechtsbehelfsbelehrung" in text
    assert "innerhalb eines Monats nach Bekanntgabe Widerspruch" in text
    assert "§ 84 Abs. 1 Sozialgerichtsgesetz" in text
    assert f"{testkreis.strasse}, {testkreis.plz} {testkreis.ort}" in text
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.BESCHEID_ERSTELLT, objekt_id=schreiben.pk).exists()


def test_unterlagenanforderung_names_documents_and_deadline(antrag_v01, sachbearbeiterin_schulz):
    frist = datetime.date(2026, 12, 15)
    actions.add_unterlage(
        antrag_v01,
        acting_user=sachbearbeiterin_schulz,
        bezeichnung="Kontoauszüge der letzten drei Monate",
        frist=frist,
    )
    actions.add_unterlage(
        antrag_v01, acting_user=sachbearbeiterin_schulz, bezeichnung="Mietvertrag", frist=frist
    )
    schreiben = actions.request_unterlagen(antrag_v01, acting_user=sachbearbeiterin_schulz)
    text = _text(schreiben.dokument)
    assert "Kontoauszüge der letzten drei Monate" in text
    assert "Mietvertrag" in text
    assert "bis zum 15.12.2026" in text
    assert "§ 60 Abs. 1 SGB I" in text
    assert "§ 66 Abs. 1 und 3 SGB I" in text
    assert not Unterlage.objects.filter(angefordert_am__isnull=True).exists()


def test_no_request_without_missing_documents(antrag_v01, sachbearbeiterin_schulz):
    with pytest.raises(Exception, match="keine Unterlagen"):
        actions.request_unterlagen(antrag_v01, acting_user=sachbearbeiterin_schulz)
    assert not Schreiben.objects.exists()


@pytest.mark.parametrize(
    ("aufgabe_zur_post", "tag", "nicht"),
    [
        (datetime.date(2024, 12, 31), "dritten", "vierten"),  # § 37 Abs. 2 S. 1 SGB X, old version
        (datetime.date(2025, 1, 1), "vierten", "dritten"),  # as amended by the PostModG (BGBl. 2024 I Nr. 236)
        (datetime.date(2026, 12, 2), "vierten", "dritten"),
    ],
)
def test_bekanntgabe_day_follows_the_law_on_the_posting_date(
    aufgabe_zur_post, tag, nicht, antrag_v01, sachbearbeiterin_schulz, teamleitung_weber
):
    """The Bescheid is posted on its date; the day it counts as delivered is the law of that date."""
    morgens = datetime.datetime.combine(aufgabe_zur_post, datetime.time(9), tzinfo=ZoneInfo("Europe/Berlin"))
    with time_machine.travel(morgens, tick=False):
        berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
        bewilligung = actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
        bewilligung = actions.approve_bewilligung(bewilligung, acting_user=teamleitung_weber)
        text = _text(_bescheid(bewilligung, sachbearbeiterin_schulz).dokument)
    assert f"Datum {aufgabe_zur_post:%d.%m.%Y}" in text
    assert f"gilt er am {tag} Tag nach der Aufgabe zur Post als bekannt gegeben (§ 37 Abs. 2 SGB X)" in text
    assert f"am {nicht} Tag" not in text


def test_single_person_is_addressed_alone(bewilligung_v01, sachbearbeiterin_schulz):
    text = _text(_bescheid(bewilligung_v01, sachbearbeiterin_schulz).dokument)
    assert "bewillige ich Ihnen Leistungen zur Sicherung des Lebensunterhalts" in text
    assert "Mitgliedern Ihrer Bedarfsgemeinschaft" not in text
    assert "Für März 2023 erhalten Sie insgesamt" in text
    assert "erhält die Bedarfsgemeinschaft" not in text


def test_family_is_addressed_with_the_members_of_the_bg(
    team_leistung_1, sachbearbeiterin_schulz, teamleitung_weber
):
    fall = lade_fall("V11")  # single parent with a child of 4
    bewilligung = bewilligung_aus_fall(
        fall, team=team_leistung_1, sachbearbeitung=sachbearbeiterin_schulz, teamleitung=teamleitung_weber
    )
    text = _text(_bescheid(bewilligung, sachbearbeiterin_schulz).dokument)
    assert "bewillige ich Ihnen und den Mitgliedern Ihrer Bedarfsgemeinschaft Leistungen" in text
    assert (
        f"Für April 2024 erhält die Bedarfsgemeinschaft insgesamt {euro(erwartet_bg(fall, 'zahlbetrag_m'))}"
        in text
    )
    assert "Karla FallV11" in text and "Tom FallV11" in text


def test_grant_carries_the_health_insurance_note_and_no_39_sentence(bewilligung_v01, sachbearbeiterin_schulz):
    """§ 39 SGB II concerns decisions that withdraw or reduce; a grant only favours the person."""
    text = _text(_bescheid(bewilligung_v01, sachbearbeiterin_schulz).dokument)
    assert "aufschiebende Wirkung" not in text
    assert "§ 39 SGB II" not in text
    assert "Kranken- und Pflegeversicherung" in text
    assert "§ 5 Abs. 1 Nr. 2a SGB V" in text
    assert "§ 20 Abs. 1 Satz 2 Nr. 2a SGB XI" in text
    assert "Die Beiträge zahlt das Jobcenter" in text


def test_rechtsbehelfsbelehrung_names_39_for_decisions_that_take_away(testkreis):
    """Later Änderungs- and Aufhebungsbescheide include the same Belehrung with the § 39 sentence."""
    kontext = {"mandant": testkreis, "bekanntgabe_tag": "vierten"}
    ohne = render_to_string("leistung/briefe/_rechtsbehelfsbelehrung.html", kontext)
    mit = render_to_string(
        "leistung/briefe/_rechtsbehelfsbelehrung.html",
        kontext | {"ohne_aufschiebende_wirkung": "§ 39 Nr. 1 SGB II"},
    )
    assert "aufschiebende Wirkung" not in ohne
    assert "Widerspruch und Anfechtungsklage haben keine aufschiebende Wirkung (§ 39 Nr. 1 SGB II)" in mit


@pytest.mark.parametrize("name", sorted(verfahrensrecht.VERFAHRENSRECHT))
def test_procedural_law_of_letters_is_dated_and_cited(name):
    spec = verfahrensrecht.VERFAHRENSRECHT[name]
    assert re.search(r"§\s*\d+", spec.description["de"]), f"{name}: no § in the description"
    assert all(re.search(r"§\s*\d+", w.reference) for w in spec.values), f"{name}: a value without its §"
    assert not spec.overlapping_periods(), f"{name}: validity periods overlap"
    assert doctest.testmod(verfahrensrecht).failed == 0
