"""The payment run: ledger, one Zahlung per BG and month, SEPA file valid against the XSD, report."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import xmlschema
from django.core.management import call_command

from vorort.core.exceptions import NotAllowed
from vorort.core.models import AuditEvent, BackgroundJob
from vorort.leistung import actions
from vorort.leistung.models import Buchung, Zahllauf, Zahlung
from vorort.leistung.sepa import XSD
from vorort.leistung.tests.faelle import erwartet_bg
from vorort.leistung.zahllauf import book_chunk, run_zahllauf, start_zahllauf

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


def _sepa_betraege(zahllauf: Zahllauf) -> dict[str, Decimal]:
    """IBAN -> amount, read from the filed SEPA file after validating it against the XSD."""
    datei = zahllauf.dateien.get()
    with datei.dokument.datei.open("rb") as f:
        xml = f.read()
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    root = ET.fromstring(xml)
    betraege = {}
    for tx in root.iterfind(".//p:CdtTrfTxInf", NS):
        iban = tx.find("p:CdtrAcct/p:Id/p:IBAN", NS).text
        betraege[iban] = Decimal(tx.find("p:Amt/p:InstdAmt", NS).text)
    return betraege


def test_zahllauf_pays_the_bg_once_with_a_valid_sepa_file(
    bewilligung_v01, testkreis, teamleitung_weber, fall_v01
):
    monat = bewilligung_v01.von
    zahllauf, neu = start_zahllauf(testkreis, monat, acting_user=teamleitung_weber)
    assert neu
    zahllauf = run_zahllauf(zahllauf)
    assert zahllauf.status == Zahllauf.Status.ABGESCHLOSSEN
    zahlung = Zahlung.objects.get()
    assert zahlung.betrag == erwartet_bg(fall_v01, "zahlbetrag_m")
    assert _sepa_betraege(zahllauf) == {"DE89370400440532013000": erwartet_bg(fall_v01, "zahlbetrag_m")}
    arten = dict(Buchung.objects.values_list("art", "betrag"))
    assert arten == {
        Buchung.Art.REGELBEDARF: erwartet_bg(fall_v01, "regelbedarf_m"),
        Buchung.Art.KDU: erwartet_bg(fall_v01, "kdu_anerkannt_m"),
    }
    bericht = zahllauf.bericht
    assert bericht["abgestimmt"] is True
    assert Decimal(bericht["summe_zahlungen"]) == Decimal(bericht["summe_buchungen"]) == zahlung.betrag
    assert bericht["buchungen_nach_art"]["kdu"]["summe"] == str(erwartet_bg(fall_v01, "kdu_anerkannt_m"))
    assert zahllauf.job.status == BackgroundJob.Status.SUCCEEDED
    assert zahllauf.job.fortschritt == zahllauf.job.gesamt == 1
    assert AuditEvent.objects.filter(
        typ=AuditEvent.Typ.ZAHLLAUF_ABGESCHLOSSEN, objekt_id=zahllauf.pk
    ).exists()


def test_running_twice_pays_nothing_twice(bewilligung_v01, testkreis, teamleitung_weber):
    monat = bewilligung_v01.von
    zahllauf = run_zahllauf(start_zahllauf(testkreis, monat, acting_user=teamleitung_weber)[0])
    dokumente = zahllauf.dateien.count()
    wieder, neu = start_zahllauf(testkreis, monat, acting_user=teamleitung_weber)
    assert (wieder.pk, neu) == (zahllauf.pk, False)
    run_zahllauf(wieder)
    assert book_chunk(zahllauf, nach=0, bis=bewilligung_v01.bedarfsgemeinschaft_id) == 0
    assert Zahlung.objects.count() == 1
    assert Buchung.objects.count() == 2
    assert zahllauf.dateien.count() == dokumente == 1


def test_next_month_pays_the_next_month(bewilligung_v01, testkreis, teamleitung_weber):
    erster = bewilligung_v01.von
    zweiter = erster.replace(month=erster.month + 1)
    run_zahllauf(start_zahllauf(testkreis, erster, acting_user=teamleitung_weber)[0])
    run_zahllauf(start_zahllauf(testkreis, zweiter, acting_user=teamleitung_weber)[0])
    assert sorted(Zahlung.objects.values_list("zahlmonat", flat=True)) == [erster, zweiter]
    assert set(Buchung.objects.values_list("leistungsmonat", flat=True)) == {erster, zweiter}


def test_late_grant_pays_due_months_as_back_payment(bewilligung_v01, testkreis, teamleitung_weber):
    """A run finds months of the Bewilligung that were never paid and pays them with the current one."""
    dritter = bewilligung_v01.von.replace(month=bewilligung_v01.von.month + 2)
    run_zahllauf(start_zahllauf(testkreis, dritter, acting_user=teamleitung_weber)[0])
    zahlung = Zahlung.objects.get()
    monatsbetraege = bewilligung_v01.betraege.filter(monat__lte=dritter)
    assert zahlung.betrag == sum(b.zahlbetrag for b in monatsbetraege)
    assert Buchung.objects.filter(zahlung=zahlung).values("leistungsmonat").distinct().count() == 3


def test_kdu_goes_to_the_landlord_when_chosen(
    antrag_v01, sachbearbeiterin_schulz, teamleitung_weber, testkreis, fall_v01
):
    antrag = actions.update_antrag(
        antrag_v01,
        version=1,
        acting_user=sachbearbeiterin_schulz,
        kdu_an_vermieter=True,
        vermieter_name="Wohnungsbau Merseburg eG",
        vermieter_iban="DE02120300000000202051",
    )
    berechnung = actions.compute_berechnung(antrag, acting_user=sachbearbeiterin_schulz)
    bewilligung = actions.approve_bewilligung(
        actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz),
        acting_user=teamleitung_weber,
    )
    zahllauf = run_zahllauf(start_zahllauf(testkreis, bewilligung.von, acting_user=teamleitung_weber)[0])
    assert _sepa_betraege(zahllauf) == {
        "DE89370400440532013000": erwartet_bg(fall_v01, "regelbedarf_m"),
        "DE02120300000000202051": erwartet_bg(fall_v01, "kdu_anerkannt_m"),
    }
    assert zahllauf.bericht["zahlungen_nach_empfaenger"]["vermieter"]["summe"] == str(
        erwartet_bg(fall_v01, "kdu_anerkannt_m")
    )


def test_only_permitted_staff_start_a_run(testkreis, sachbearbeiterin_schulz, nachbar_nora):
    for user in (sachbearbeiterin_schulz, nachbar_nora):
        with pytest.raises(NotAllowed):
            start_zahllauf(testkreis, datetime.date(2026, 1, 1), acting_user=user)
    assert not Zahllauf.objects.exists()


def test_cli_writes_files_once_and_says_so(bewilligung_v01, testkreis, tmp_path, capsys):
    monat = f"{bewilligung_v01.von:%Y-%m}"
    # One worker: other connections do not see this test's transaction (parallel: test_zahllauf_chunk.py).
    call_command(
        "zahllauf",
        "--monat",
        monat,
        "--output",
        str(tmp_path),
        "--mandant",
        testkreis.kurzname,
        "--parallel",
        "1",
    )
    dateien = sorted(p.name for p in tmp_path.iterdir())
    assert dateien == [f"sepa_{monat}_01.xml", f"zahllauf_{monat}_bericht.json"]
    erste = capsys.readouterr().out
    assert "1 Überweisungen" in erste
    (tmp_path / dateien[0]).unlink()
    call_command("zahllauf", "--monat", monat, "--output", str(tmp_path), "--mandant", testkreis.kurzname)
    assert "bereits abgeschlossen" in capsys.readouterr().out
    assert not (tmp_path / dateien[0]).exists(), "no new SEPA file"
    assert Zahlung.objects.count() == 1
