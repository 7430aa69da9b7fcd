"""The payment run at scale: queries per chunk do not grow with the BGs; older open lines; SEPA writer."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from sepaxml import SepaTransfer

from vorort.leistung.massendaten import seed_bewilligungen
from vorort.leistung.models import Bewilligung, Buchung, Leistungsbetrag, Zahlung
from vorort.leistung.sepa import SCHEMA, Ueberweisung, build_pain001
from vorort.leistung.zahllauf import (
    ZahllaufFehler,
    arbeiter_fuer,
    book_chunk,
    naechste_bgs,
    run_zahllauf,
    start_zahllauf,
)

MONAT = datetime.date(2026, 3, 1)


def _offene_zeile(bg_id: int, betrag: str, art: str = Buchung.Art.REGELBEDARF) -> Buchung:
    """A later rule's line (e.g. a change for last month), booked without a Zahlung."""
    bewilligung = Bewilligung.objects.get(bedarfsgemeinschaft_id=bg_id)
    person_id = bewilligung.betraege.values_list("person_id", flat=True).first()
    return Buchung.objects.create(
        mandant_id=bewilligung.mandant_id,
        bedarfsgemeinschaft_id=bg_id,
        person_id=person_id,
        leistungsmonat=datetime.date(2026, 2, 1),
        art=art,
        betrag=Decimal(betrag),
    )


@pytest.mark.parametrize("anzahl", [1, 20])
def test_chunk_queries_do_not_grow_with_the_bgs(anzahl, testkreis, django_assert_num_queries):
    seed_bewilligungen(testkreis, anzahl, MONAT)
    zahllauf, _ = start_zahllauf(testkreis, MONAT, acting_user=None)
    bg_ids = naechste_bgs(testkreis.pk, MONAT, nach=0, anzahl=1000)
    assert len(bg_ids) == anzahl
    # savepoint (the test's transaction), lock the run, unbooked Leistungsbeträge, older open lines,
    # bank details, insert Zahlungen (COPY on PostgreSQL), their ids, insert Buchungen, release savepoint
    with django_assert_num_queries(9):
        assert book_chunk(zahllauf, nach=0, bis=bg_ids[-1]) == anzahl
    assert Buchung.objects.filter(zahlung__isnull=True).count() == 0
    assert Zahlung.objects.count() == anzahl


@pytest.mark.parametrize("anzahl", [1, 20])
def test_older_open_lines_are_paid_with_one_update(anzahl, testkreis, django_assert_num_queries):
    seed_bewilligungen(testkreis, anzahl, MONAT)
    zahllauf, _ = start_zahllauf(testkreis, MONAT, acting_user=None)
    bg_ids = naechste_bgs(testkreis.pk, MONAT, nach=0, anzahl=1000)
    alte = [_offene_zeile(bg_id, "12.34") for bg_id in bg_ids]
    # as above, plus one UPDATE linking the older lines
    with django_assert_num_queries(10):
        book_chunk(zahllauf, nach=0, bis=bg_ids[-1])
    for zeile in alte:
        zeile.refresh_from_db()
        betrag = Leistungsbetrag.objects.get(
            bewilligung__bedarfsgemeinschaft_id=zeile.bedarfsgemeinschaft_id
        ).zahlbetrag
        assert zeile.zahlung.betrag == betrag + Decimal("12.34")


def test_line_added_after_the_payment_waits_for_the_next_run(testkreis):
    seed_bewilligungen(testkreis, 3, MONAT)
    zahllauf, _ = start_zahllauf(testkreis, MONAT, acting_user=None)
    bg_ids = naechste_bgs(testkreis.pk, MONAT, nach=0, anzahl=10)
    book_chunk(zahllauf, nach=0, bis=bg_ids[0])
    spaet = _offene_zeile(bg_ids[0], "50.00")
    _offene_zeile(bg_ids[1], "7.00")
    zahllauf = run_zahllauf(zahllauf)
    spaet.refresh_from_db()
    assert spaet.zahlung is None, "paid with next month's run"
    assert Zahlung.objects.count() == 3
    assert zahllauf.bericht["abgestimmt"] is True
    assert zahllauf.bericht["summe_buchungen"] == zahllauf.bericht["summe_zahlungen"]


def test_chunks_of_one_pay_like_one_chunk(testkreis):
    seed_bewilligungen(testkreis, 5, MONAT)
    zahllauf = run_zahllauf(start_zahllauf(testkreis, MONAT, acting_user=None)[0], chunk=2)
    assert zahllauf.job.fortschritt == zahllauf.job.gesamt == 5
    assert Zahlung.objects.values("bedarfsgemeinschaft_id").distinct().count() == 5
    assert zahllauf.bericht["ueberweisungen"] == 5


@pytest.mark.django_db(transaction=True)
def test_parallel_chunks_pay_each_bg_once(testkreis):
    """On PostgreSQL two chunks are booked at once on two connections; SQLite books one after the other."""
    assert arbeiter_fuer(2) == (2 if connection.vendor == "postgresql" else 1)
    seed_bewilligungen(testkreis, 25, MONAT)
    zahllauf = run_zahllauf(start_zahllauf(testkreis, MONAT, acting_user=None)[0], chunk=3, arbeiter=2)
    assert zahllauf.job.fortschritt == zahllauf.job.gesamt == 25
    assert (
        Zahlung.objects.count() == Zahlung.objects.values("bedarfsgemeinschaft_id").distinct().count() == 25
    )
    assert Buchung.objects.filter(zahlung__isnull=True).count() == 0
    assert zahllauf.bericht["abgestimmt"] is True
    assert zahllauf.dateien.get().anzahl == 25


def test_open_lines_without_a_bewilligung_stop_the_run(testkreis, bg_krause):
    seed_bewilligungen(testkreis, 2, MONAT)
    Buchung.objects.create(
        mandant=testkreis,
        bedarfsgemeinschaft=bg_krause,
        person=bg_krause.mitgliedschaften.get().person,
        leistungsmonat=MONAT,
        art=Buchung.Art.REGELBEDARF,
        betrag=Decimal("10.00"),
    )
    zahllauf, _ = start_zahllauf(testkreis, MONAT, acting_user=None)
    with pytest.raises(ZahllaufFehler, match="keine Bewilligung"):
        run_zahllauf(zahllauf)
    assert not zahllauf.dateien.exists()


@pytest.mark.parametrize("bic", ["", "COBADEFFXXX"])
def test_sepa_writer_builds_the_same_document_as_sepaxml(bic):
    mandant = SimpleNamespace(name="Jobcenter Saalekreis & Co", iban="DE02800537623440000106", bic=bic)
    ueberweisungen = [
        Ueberweisung(
            "Jürgen Weiß-Öztürk",
            "DE89370400440532013000",
            "",
            Decimal("812.40"),
            "Leistungen SGB II 03/2026 BG 15088BG0000042",
            "SGB2-202603-42-B",
        ),
        Ueberweisung(
            "Wohnungsbau <Merseburg> eG",
            "DE02120300000000202051",
            "BYLADEM1001",
            Decimal("0.05"),
            "Miete 03/2026 fuer BG 43 (Jobcenter, § 22 Abs. 7 SGB II)",
            "SGB2-202603-43-V",
        ),
    ]
    ausfuehrung = datetime.date(2026, 2, 27)
    config = {"name": mandant.name, "IBAN": mandant.iban, "batch": True, "currency": "EUR"}
    if bic:
        config["BIC"] = bic
    referenz = SepaTransfer(config, schema=SCHEMA, clean=True)
    for u in ueberweisungen:
        zahlung = {
            "name": u.name,
            "IBAN": u.iban,
            "amount": int(u.betrag * 100),
            "execution_date": ausfuehrung,
            "description": u.verwendungszweck,
            "endtoend_id": u.end_to_end_id,
        }
        if u.bic:
            zahlung["BIC"] = u.bic
        referenz.add_payment(zahlung)

    def ohne_zufall(xml: bytes) -> str:
        wurzel = ET.fromstring(xml)
        for tag in ("MsgId", "CreDtTm", "PmtInfId"):
            for knoten in wurzel.iter(f"{{urn:iso:std:iso:20022:tech:xsd:{SCHEMA}}}{tag}"):
                knoten.text = ""
        return ET.canonicalize(ET.tostring(wurzel))

    assert ohne_zufall(build_pain001(mandant, ausfuehrung, ueberweisungen)) == ohne_zufall(
        referenz.export(validate=False)
    )
