"""The Zahllauf preview and its confirmation: numbers equal to the run's, warnings, back-payment texts."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest
import xmlschema
from conftest import anmelden
from django.db.models import Sum
from django.urls import reverse

from vorort.core.exceptions import NotAllowed
from vorort.leistung.eingabe import plus_monate
from vorort.leistung.massendaten import seed_bewilligungen
from vorort.leistung.models import Bewilligung, Buchung, Zahllauf, Zahlung
from vorort.leistung.sepa import XSD, Ueberweisung, build_pain001
from vorort.leistung.zahllauf import (
    fehlende_monate,
    naechste_bgs,
    preview_zahllauf,
    run_zahllauf,
    start_zahllauf,
    verwendungszweck,
)

pytestmark = pytest.mark.django_db

MONAT = datetime.date(2026, 3, 1)
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
# EPC's SEPA character set for the remittance text, and its length (pain.001 RmtInf/Ustrd: Max140Text).
SEPA_TEXT = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]{1,140}")


def _offene_zeile(bg_id: int, betrag: str, monat: datetime.date) -> Buchung:
    """A later rule's line for an earlier month (e.g. a change), booked without a Zahlung."""
    bewilligung = Bewilligung.objects.get(bedarfsgemeinschaft_id=bg_id)
    return Buchung.objects.create(
        mandant_id=bewilligung.mandant_id,
        bedarfsgemeinschaft_id=bg_id,
        person_id=bewilligung.betraege.values_list("person_id", flat=True).first(),
        leistungsmonat=monat,
        art=Buchung.Art.REGELBEDARF,
        betrag=Decimal(betrag),
    )


def _ustrd(zahllauf: Zahllauf) -> list[str]:
    """The remittance texts of the filed SEPA file, after validating it against the XSD."""
    with zahllauf.dateien.get().dokument.datei.open("rb") as f:
        xml = f.read()
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    return [e.text for e in ET.fromstring(xml).iterfind(".//p:RmtInf/p:Ustrd", NS)]


def test_preview_numbers_are_what_the_run_then_books(testkreis, teamleitung_weber):
    seed_bewilligungen(testkreis, 7, MONAT)
    bg_ids = naechste_bgs(testkreis.pk, MONAT, nach=0, anzahl=100)
    frueher = [plus_monate(MONAT, -2), plus_monate(MONAT, -1)]
    for bg_id in bg_ids[:3]:  # back payments for two earlier months, on three BGs
        for monat in frueher:
            _offene_zeile(bg_id, "12.34", monat)

    vorschau = preview_zahllauf(testkreis, MONAT, acting_user=teamleitung_weber, chunk=3)
    assert not Zahllauf.objects.exists() and not Zahlung.objects.exists(), "the preview writes nothing"
    assert not Buchung.objects.filter(zahlung__isnull=False).exists()

    zahllauf = run_zahllauf(start_zahllauf(testkreis, MONAT, acting_user=teamleitung_weber)[0], chunk=3)
    bericht = zahllauf.bericht
    assert vorschau.bedarfsgemeinschaften == bericht["bedarfsgemeinschaften"] == 7
    assert vorschau.zahlungen == Zahlung.objects.filter(zahllauf=zahllauf).count()
    assert vorschau.ueberweisungen == bericht["ueberweisungen"]
    assert vorschau.summe_ueberweisungen == Decimal(bericht["summe_ueberweisungen"])
    assert vorschau.summe_zahlungen == Decimal(bericht["summe_zahlungen"])
    gebucht = Buchung.objects.filter(zahlung__zahllauf=zahllauf)
    je_monat = {
        z["leistungsmonat"]: z["summe"]
        for z in gebucht.values("leistungsmonat").annotate(summe=Sum("betrag")).order_by()
    }
    assert {m: b.quantize(Decimal("0.01")) for m, b in vorschau.monate.items()} == {
        m: Decimal(b).quantize(Decimal("0.01")) for m, b in je_monat.items()
    }
    assert list(vorschau.monate) == [*frueher, MONAT]
    assert vorschau.nachzahlungen == bericht["nachzahlungen"] == 3
    assert vorschau.summe_nachzahlungen == Decimal(bericht["summe_nachzahlungen"]) == 6 * Decimal("12.34")
    assert (
        Zahlung.objects.filter(zahllauf=zahllauf, buchungen__leistungsmonat__lt=MONAT).distinct().count() == 3
    )


def test_back_payment_names_its_months_in_a_valid_sepa_text(bewilligung_v01, testkreis, teamleitung_weber):
    """A grant released late: the run for its third month pays the first two as back payment."""
    erster = bewilligung_v01.von
    dritter = plus_monate(erster, 2)
    vorschau = preview_zahllauf(testkreis, dritter, acting_user=teamleitung_weber)
    assert vorschau.nachzahlungen == 1
    assert list(vorschau.monate) == [erster, plus_monate(erster, 1), dritter]
    zahllauf = run_zahllauf(start_zahllauf(testkreis, dritter, acting_user=teamleitung_weber)[0])
    zahlung = Zahlung.objects.get()
    nummer = bewilligung_v01.bedarfsgemeinschaft.nummer
    erwartet = (
        f"Leistungen SGB II {dritter:%m/%Y} BG {nummer} "
        f"Nachzahlung {erster:%m/%Y}-{plus_monate(erster, 1):%m/%Y}"
    )
    assert zahlung.verwendungszweck == erwartet
    assert _ustrd(zahllauf) == [erwartet]
    assert SEPA_TEXT.fullmatch(erwartet)
    assert vorschau.summe_nachzahlungen == sum(
        b.zahlbetrag for b in bewilligung_v01.betraege.filter(monat__lt=dritter)
    )


def test_transfer_texts_stay_within_sepa_length_and_characters():
    monat = datetime.date(2027, 1, 1)
    luecken = [plus_monate(monat, -k) for k in range(1, 40, 2)]  # 20 months, none adjacent
    nummer = "15088BG0000000000042"  # the longest BG number (20 characters)
    texte = {
        "laufend": verwendungszweck(monat, nummer, Zahlung.Empfaenger.BG),
        "zwei": verwendungszweck(
            monat, nummer, Zahlung.Empfaenger.BG, [datetime.date(2026, 9, 1), datetime.date(2026, 11, 1)]
        ),
        "luecken": verwendungszweck(monat, nummer, Zahlung.Empfaenger.BG, luecken),
        "vermieter": verwendungszweck(monat, nummer, Zahlung.Empfaenger.VERMIETER, luecken),
    }
    assert texte["zwei"].endswith("Nachzahlung 09/2026, 11/2026")
    assert texte["luecken"].endswith(f"Nachzahlung 20 Monate {luecken[-1]:%m/%Y}-{luecken[0]:%m/%Y}")
    assert texte["vermieter"].startswith("Miete 01/2027 fuer BG")
    for name, text in texte.items():
        assert SEPA_TEXT.fullmatch(text), name
    mandant = SimpleNamespace(name="Jobcenter Testkreis", iban="DE02800537623440000106", bic="")
    ueberweisungen = [
        Ueberweisung("Karl Krause", "DE89370400440532013000", "", Decimal("1.00"), text, f"SGB2-{i}")
        for i, text in enumerate(texte.values())
    ]
    xml = build_pain001(mandant, monat, ueberweisungen)  # validates against the XSD
    gelesen = [e.text for e in ET.fromstring(xml).iterfind(".//p:RmtInf/p:Ustrd", NS)]
    assert gelesen == list(texte.values()), "nothing cut or transliterated on the way"


def test_warns_about_an_earlier_month_that_was_never_run(bewilligung_v01, testkreis, teamleitung_weber):
    erster = bewilligung_v01.von
    zweiter, dritter = plus_monate(erster, 1), plus_monate(erster, 2)
    assert fehlende_monate(testkreis.pk, erster) == []
    assert fehlende_monate(testkreis.pk, zweiter) == [erster], "first run ever: the grant's months count"
    run_zahllauf(start_zahllauf(testkreis, erster, acting_user=teamleitung_weber)[0])
    assert fehlende_monate(testkreis.pk, zweiter) == []
    assert fehlende_monate(testkreis.pk, dritter) == [zweiter]
    assert preview_zahllauf(testkreis, dritter, acting_user=teamleitung_weber).fehlende_monate == [zweiter]


def test_only_who_may_start_a_run_sees_its_preview(testkreis, sachbearbeiterin_schulz, nachbar_nora):
    for user in (sachbearbeiterin_schulz, nachbar_nora):
        with pytest.raises(NotAllowed):
            preview_zahllauf(testkreis, MONAT, acting_user=user)


def _vorschau(client, monat: datetime.date):
    response = client.get(reverse("leistung:zahllauf_vorschau"), {"monat": f"{monat:%m.%Y}"})
    assert response.status_code == 200
    return response


def test_screen_starts_only_after_the_confirmed_preview(
    client, bewilligung_v01, testkreis, teamleitung_weber, django_capture_on_commit_callbacks
):
    erster = bewilligung_v01.von
    anmelden(client, teamleitung_weber)
    liste = client.get(reverse("leistung:zahllaeufe")).content.decode()
    assert "Vorschau anzeigen" in liste and "Zahllauf starten" not in liste

    response = _vorschau(client, erster)
    vorschau = response.context["vorschau"]
    seite = response.content.decode()
    assert f"Zahllauf {erster:%m.%Y}: Vorschau" in seite
    assert f"{vorschau.ueberweisungen} Überweisung" in seite
    assert not Zahllauf.objects.exists(), "showing the preview starts nothing"

    # A start without the preview's stamp (an old form, a reload elsewhere) is refused.
    response = client.post(reverse("leistung:zahllauf_starten"), {"monat": f"{erster:%m.%Y}"}, follow=True)
    assert "über die Vorschau starten" in response.content.decode()
    # Numbers that changed since the preview: refused, with the new preview.
    _offene_zeile(bewilligung_v01.bedarfsgemeinschaft_id, "5.00", erster)
    daten = {"monat": f"{erster:%m.%Y}", "pruefwert": vorschau.pruefwert}
    response = client.post(reverse("leistung:zahllauf_starten"), daten)
    assert "haben sich die Zahlen geändert" in response.content.decode()
    neue = response.context["vorschau"]
    assert neue.summe_zahlungen == vorschau.summe_zahlungen + Decimal("5.00")
    assert not Zahllauf.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("leistung:zahllauf_starten"), daten | {"pruefwert": neue.pruefwert})
    zahllauf = Zahllauf.objects.get()
    assert response.url == reverse("leistung:zahllauf", args=[zahllauf.pk])
    assert len(callbacks) == 1, "the run is enqueued after commit"
    assert zahllauf.gestartet_von == teamleitung_weber


def test_screen_needs_the_warning_confirmed(client, bewilligung_v01, testkreis, teamleitung_weber):
    erster = bewilligung_v01.von
    zweiter, dritter = plus_monate(erster, 1), plus_monate(erster, 2)
    run_zahllauf(start_zahllauf(testkreis, erster, acting_user=teamleitung_weber)[0])
    anmelden(client, teamleitung_weber)
    response = _vorschau(client, dritter)
    seite = response.content.decode()
    assert f"Für {zweiter:%m.%Y} wurde kein Zahllauf abgeschlossen." in seite
    daten = {"monat": f"{dritter:%m.%Y}", "pruefwert": response.context["vorschau"].pruefwert}
    response = client.post(reverse("leistung:zahllauf_starten"), daten)
    assert response.status_code == 200
    assert "Monate ohne Zahllauf mit diesem Lauf nachgezahlt werden sollen" in response.content.decode()
    assert not Zahllauf.objects.filter(zahlmonat=dritter).exists()
    response = client.post(reverse("leistung:zahllauf_starten"), daten | {"fehlende_bestaetigt": "on"})
    assert response.status_code == 302
    assert Zahllauf.objects.filter(zahlmonat=dritter, status=Zahllauf.Status.LAEUFT).exists()


@pytest.mark.parametrize("monat", ["13.2026", "2026-13", "", "März"])
def test_screen_explains_a_wrong_month(client, teamleitung_weber, monat):
    anmelden(client, teamleitung_weber)
    response = client.get(reverse("leistung:zahllauf_vorschau"), {"monat": monat})
    assert response.status_code == 200
    assert "Zahlmonat" in response.content.decode()
    assert response.context["form"].errors["monat"]


def test_screen_says_a_finished_month_is_not_paid_again(
    client, bewilligung_v01, testkreis, teamleitung_weber
):
    erster = bewilligung_v01.von
    zahllauf = run_zahllauf(start_zahllauf(testkreis, erster, acting_user=teamleitung_weber)[0])
    anmelden(client, teamleitung_weber)
    seite = _vorschau(client, erster).content.decode()
    assert "ist bereits abgeschlossen; es wird nichts erneut gezahlt" in seite
    assert reverse("leistung:zahllauf", args=[zahllauf.pk]) in seite
    assert "Start bestätigen" not in seite


@pytest.mark.parametrize("anzahl", [1, 20])
def test_preview_queries_do_not_grow_with_the_bgs(
    anzahl, testkreis, teamleitung_weber, django_assert_num_queries
):
    seed_bewilligungen(testkreis, anzahl, MONAT)
    teamleitung_weber.has_perm("leistung.run_zahllauf")  # permissions cached, as in a request
    # the run of the month if any; finished runs before it and the grants' periods (missing months);
    # BGs with open lines but no grant; per chunk: the next BG ids, their unbooked amounts and older
    # open lines; the empty next chunk that ends the walk
    with django_assert_num_queries(8):
        vorschau = preview_zahllauf(testkreis, MONAT, acting_user=teamleitung_weber, chunk=1000)
    assert vorschau.bedarfsgemeinschaften == anzahl
