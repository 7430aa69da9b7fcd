"""Antrag, Berechnung and Bewilligung actions, with amounts from the law contract's golden cases."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from vorort.core.exceptions import InvalidTransition, NotAllowed
from vorort.core.models import AuditEvent
from vorort.leistung import actions
from vorort.leistung.models import (
    Antrag,
    Berechnung,
    Bewilligung,
    Einkommen,
    KdUGrenze,
    LeistungEinstellungen,
    UnveraenderlichError,
)
from vorort.leistung.tests.faelle import erwartet_bg, lade_fall
from vorort.personen.models import Rolle as BgRolle
from vorort.personen.tests.factories import MitgliedschaftFactory, PersonFactory


def test_create_antrag_records_household_and_persons(antrag_v01, bg_krause, sachbearbeiterin_schulz):
    assert antrag_v01.status == Antrag.Status.ENTWURF
    assert antrag_v01.version == 1
    assert antrag_v01.iban == "DE89370400440532013000"
    assert antrag_v01.gemeinde_ags == bg_krause.haushalt.gemeinde_ags
    assert [ap.person_id for ap in antrag_v01.personen.all()] == [bg_krause.mitgliedschaften.get().person_id]
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.ANTRAG_ANGELEGT)
    assert event.acting_user == sachbearbeiterin_schulz
    assert event.bedarfsgemeinschaft_id == bg_krause.pk


def test_berechnung_stores_v01_zahlbetrag_with_trace(antrag_v01, sachbearbeiterin_schulz, fall_v01):
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    monat = f"{fall_v01['stichtag']:%Y-%m}"
    assert berechnung.monate[0] == monat
    assert len(berechnung.monate) == 12
    assert berechnung.zahlbetrag_erster_monat == erwartet_bg(fall_v01, "zahlbetrag_m")
    bg = berechnung.ergebnis[monat]["bg"]
    assert Decimal(str(bg["kdu_anerkannt_m"])) == erwartet_bg(fall_v01, "kdu_anerkannt_m")
    assert berechnung.traces[monat]["steps"], "the trace of every month is stored"
    assert berechnung.antrag_version == antrag_v01.version
    assert len(berechnung.parameter_hash) == 64
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.BERECHNUNG_ERSTELLT, objekt_id=berechnung.pk).exists()


def test_berechnung_is_never_changed(antrag_v01, sachbearbeiterin_schulz):
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    berechnung.zahlbetrag_erster_monat = Decimal("1.00")
    with pytest.raises(UnveraenderlichError):
        berechnung.save()
    zweite = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    assert zweite.pk != berechnung.pk
    assert Berechnung.objects.count() == 2


def test_einkommen_v16_counts_in_its_month_only(antrag_v01, sachbearbeiterin_schulz):
    """V16: 80 € earnings stay free (Grundfreibetrag); the Zahlbetrag equals the case's."""
    fall = lade_fall("V16")
    p = fall["persons"][0]
    antrag = actions.update_antrag(
        antrag_v01,
        version=1,
        acting_user=sachbearbeiterin_schulz,
        antragsdatum=fall["stichtag"],
        leistungsbeginn=fall["stichtag"].replace(day=1),
        kaltmiete_m=Decimal(p["kaltmiete_m_hh"]),
        heizkosten_m=Decimal(p["heizkosten_m_hh"]),
    )
    person_id = antrag.personen.get().person_id
    actions.add_einkommen(
        antrag,
        version=antrag.version,
        acting_user=sachbearbeiterin_schulz,
        person_id=person_id,
        art=Einkommen.Art.ERWERB,
        monat_ab=fall["stichtag"],
        monat_bis=fall["stichtag"],
        brutto=Decimal(p["brutto_erwerb_m"]),
        netto=Decimal(p["netto_erwerb_m"]),
    )
    berechnung = actions.compute_berechnung(antrag, acting_user=sachbearbeiterin_schulz)
    erster = berechnung.ergebnis[f"{fall['stichtag']:%Y-%m}"]["bg"]
    assert Decimal(str(erster["freibetrag_erwerb_m"])) == erwartet_bg(fall, "freibetrag_erwerb_m")
    assert berechnung.zahlbetrag_erster_monat == erwartet_bg(fall, "zahlbetrag_m")
    zweiter = berechnung.ergebnis[berechnung.monate[1]]["bg"]
    assert zweiter["freibetrag_erwerb_m"] == 0.0, "income recorded for one month counts in that month only"


def test_kdu_grenze_of_the_mandant_applies_after_karenzzeit(
    testkreis, team_leistung_1, sachbearbeiterin_schulz
):
    """V30: rent 480 above the local limit 420, heating 80 below 100, after the Karenzzeit."""
    fall = lade_fall("V30")
    p = fall["persons"][0]
    m = MitgliedschaftFactory(
        person=PersonFactory(mandant=testkreis),
        gueltig_ab=datetime.date(2020, 1, 1),
        bedarfsgemeinschaft__mandant=testkreis,
        bedarfsgemeinschaft__team=team_leistung_1,
        bedarfsgemeinschaft__leistungsbezug_seit=datetime.date(2020, 1, 1),
    )
    bg = m.bedarfsgemeinschaft
    KdUGrenze.objects.create(
        mandant=testkreis,
        gemeinde_ags=bg.haushalt.gemeinde_ags,
        haushaltsgroesse=1,
        bruttokaltmiete_max=Decimal(p["grenze_bruttokaltmiete_m_hh"]),
        heizkosten_max=Decimal(p["grenze_heizkosten_m_hh"]),
        gueltig_ab=datetime.date(2021, 1, 1),
        quelle="KdU-Richtlinie Testkreis vom 01.01.2021",
    )
    antrag = actions.create_antrag(
        bg,
        acting_user=sachbearbeiterin_schulz,
        antragsdatum=fall["stichtag"],
        iban="DE89370400440532013000",
        art=Antrag.Art.WEITERBEWILLIGUNG,
        kaltmiete_m=Decimal(p["kaltmiete_m_hh"]),
        heizkosten_m=Decimal(p["heizkosten_m_hh"]),
    )
    berechnung = actions.compute_berechnung(antrag, acting_user=sachbearbeiterin_schulz)
    ergebnis = berechnung.ergebnis[f"{fall['stichtag']:%Y-%m}"]["bg"]
    assert Decimal(str(ergebnis["kdu_anerkannt_m"])) == erwartet_bg(fall, "kdu_anerkannt_m")
    assert berechnung.zahlbetrag_erster_monat == erwartet_bg(fall, "zahlbetrag_m")


def test_single_parent_v11_family(testkreis, team_leistung_1, sachbearbeiterin_schulz):
    """V11: mother and a child of 4; Mehrbedarf Alleinerziehung and Kindergeld from the case."""
    fall = lade_fall("V11")
    stichtag = fall["stichtag"]
    mutter = PersonFactory(
        mandant=testkreis, vorname="Mia", geburtsdatum=stichtag.replace(year=stichtag.year - 29)
    )
    kind = PersonFactory(
        mandant=testkreis, vorname="Ben", geburtsdatum=stichtag.replace(year=stichtag.year - 4)
    )
    m = MitgliedschaftFactory(
        person=mutter,
        rolle=BgRolle.ANTRAGSTELLER,
        gueltig_ab=stichtag.replace(day=1),
        bedarfsgemeinschaft__mandant=testkreis,
        bedarfsgemeinschaft__team=team_leistung_1,
        bedarfsgemeinschaft__leistungsbezug_seit=stichtag.replace(day=1),
    )
    MitgliedschaftFactory(
        person=kind,
        rolle=BgRolle.KIND,
        bedarfsgemeinschaft=m.bedarfsgemeinschaft,
        gueltig_ab=stichtag.replace(day=1),
    )
    antrag = actions.create_antrag(
        m.bedarfsgemeinschaft,
        acting_user=sachbearbeiterin_schulz,
        antragsdatum=stichtag,
        kaltmiete_m=Decimal("480"),
        heizkosten_m=Decimal("90"),
        iban="DE89370400440532013000",
    )
    berechnung = actions.compute_berechnung(antrag, acting_user=sachbearbeiterin_schulz)
    bg = berechnung.ergebnis[f"{stichtag:%Y-%m}"]["bg"]
    for spalte in ("mehrbedarf_alleinerziehend_m", "kindergeld_angerechnet_m", "zahlbetrag_m"):
        assert Decimal(str(bg[spalte])).quantize(Decimal("0.01")) == erwartet_bg(fall, spalte), spalte


@pytest.mark.parametrize(
    ("feld", "wert", "meldung"),
    [
        ("kaltmiete_m", Decimal("-100.00"), "darf nicht negativ sein"),
        ("heizkosten_m", Decimal("-1.00"), "darf nicht negativ sein"),
        ("iban", "DE89370400440532013001", "IBAN"),
        ("antragsdatum", datetime.date(2099, 1, 1), "Zukunft"),
    ],
)
def test_implausible_facts_are_refused_next_to_the_field(
    antrag_v01, sachbearbeiterin_schulz, feld, wert, meldung
):
    with pytest.raises(ValidationError) as info:
        actions.update_antrag(antrag_v01, version=1, acting_user=sachbearbeiterin_schulz, **{feld: wert})
    assert meldung in info.value.message_dict[feld][0]
    antrag_v01.refresh_from_db()
    assert antrag_v01.version == 1, "nothing stored"
    actions.update_antrag(
        antrag_v01, version=1, acting_user=sachbearbeiterin_schulz, kaltmiete_m=Decimal("430")
    )
    antrag_v01.refresh_from_db()
    assert antrag_v01.version == 2


def test_income_without_month_is_refused(antrag_v01, sachbearbeiterin_schulz):
    person_id = antrag_v01.personen.get().person_id
    kwargs = dict(
        version=1,
        acting_user=sachbearbeiterin_schulz,
        person_id=person_id,
        art=Einkommen.Art.ERWERB,
        brutto=Decimal("500"),
        netto=Decimal("400"),
    )
    with pytest.raises(ValidationError) as info:
        actions.add_einkommen(antrag_v01, monat_ab=None, **kwargs)
    assert "Monat des Zuflusses" in info.value.message_dict["monat_ab"][0]
    assert not Einkommen.objects.exists()
    actions.add_einkommen(antrag_v01, monat_ab=datetime.date(2023, 3, 1), **kwargs)
    assert Einkommen.objects.count() == 1


def test_birth_date_in_the_future_is_refused(testkreis, team_leistung_1, sachbearbeiterin_schulz):
    m = MitgliedschaftFactory(
        person=PersonFactory(mandant=testkreis, geburtsdatum=datetime.date(2099, 1, 1)),
        bedarfsgemeinschaft__mandant=testkreis,
        bedarfsgemeinschaft__team=team_leistung_1,
    )
    with pytest.raises(ValidationError, match="Geburtsdatum"):
        actions.create_antrag(
            m.bedarfsgemeinschaft,
            acting_user=sachbearbeiterin_schulz,
            antragsdatum=datetime.date(2026, 1, 5),
            iban="DE89370400440532013000",
        )
    assert not Antrag.objects.exists()


def test_two_users_editing_get_a_conflict_not_an_overwrite(
    antrag_v01, sachbearbeiterin_schulz, teamleitung_weber
):
    actions.update_antrag(antrag_v01, version=1, acting_user=teamleitung_weber, kaltmiete_m=Decimal("440"))
    with pytest.raises(actions.AntragKonflikt, match="inzwischen von Waltraud Weber geändert"):
        actions.update_antrag(
            antrag_v01, version=1, acting_user=sachbearbeiterin_schulz, kaltmiete_m=Decimal("450")
        )
    antrag_v01.refresh_from_db()
    assert antrag_v01.kaltmiete_m == Decimal("440.00")
    assert antrag_v01.version == 2


def test_vier_augen_the_maker_cannot_approve(antrag_v01, sachbearbeiterin_schulz, teamleitung_weber):
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    bewilligung = actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
    assert bewilligung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND
    assert "Erstbewilligung" in bewilligung.vier_augen_grund
    with pytest.raises(NotAllowed, match="zweite Person freigeben"):
        actions.approve_bewilligung(bewilligung, acting_user=sachbearbeiterin_schulz)
    bewilligung.refresh_from_db()
    assert bewilligung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND
    actions.approve_bewilligung(bewilligung, acting_user=teamleitung_weber)
    bewilligung.refresh_from_db()
    antrag_v01.refresh_from_db()
    assert bewilligung.status == Bewilligung.Status.BEWILLIGT
    assert bewilligung.freigegeben_von == teamleitung_weber
    assert antrag_v01.status == Antrag.Status.BEWILLIGT
    assert AuditEvent.objects.filter(
        typ=AuditEvent.Typ.BEWILLIGUNG_FREIGEGEBEN, acting_user=teamleitung_weber
    ).exists()
    with pytest.raises(InvalidTransition):
        actions.approve_bewilligung(bewilligung, acting_user=teamleitung_weber)


def test_database_refuses_maker_as_approver(antrag_v01, sachbearbeiterin_schulz):
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    bewilligung = actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bewilligung.objects.filter(pk=bewilligung.pk).update(freigegeben_von=sachbearbeiterin_schulz)


def test_bewilligung_amounts_per_person_sum_to_the_bg(
    antrag_v01, sachbearbeiterin_schulz, teamleitung_weber, fall_v01
):
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    bewilligung = actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
    assert bewilligung.von == fall_v01["stichtag"].replace(day=1)
    assert (bewilligung.bis.year * 12 + bewilligung.bis.month) - (
        bewilligung.von.year * 12 + bewilligung.von.month
    ) == 11
    erster = bewilligung.betraege.get(monat=bewilligung.von)
    assert erster.zahlbetrag == erwartet_bg(fall_v01, "zahlbetrag_m")
    assert erster.auszahlung_kdu == erwartet_bg(fall_v01, "kdu_anerkannt_m")
    assert erster.auszahlung_regelbedarf == erwartet_bg(fall_v01, "regelbedarf_m")


def test_without_vier_augen_rule_the_grant_is_immediate(antrag_v01, sachbearbeiterin_schulz, testkreis):
    LeistungEinstellungen.objects.update_or_create(
        mandant=testkreis, defaults={"vier_augen_erstbewilligung": False, "vier_augen_nachzahlung_ab": None}
    )
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    bewilligung = actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
    assert bewilligung.status == Bewilligung.Status.BEWILLIGT
    assert not bewilligung.vier_augen_erforderlich


def test_back_payment_above_threshold_needs_second_person(antrag_v01, sachbearbeiterin_schulz, testkreis):
    LeistungEinstellungen.objects.update_or_create(
        mandant=testkreis,
        defaults={"vier_augen_erstbewilligung": False, "vier_augen_nachzahlung_ab": Decimal("500")},
    )
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    bewilligung = actions.prepare_bewilligung(
        berechnung,
        acting_user=sachbearbeiterin_schulz,
        heute=berechnung.monat_von + datetime.timedelta(days=40),
    )
    assert bewilligung.nachzahlung == berechnung.zahlbetrag_erster_monat
    assert bewilligung.status == Bewilligung.Status.FREIGABE_AUSSTEHEND
    assert "Nachzahlung" in bewilligung.vier_augen_grund


def test_a_new_fact_after_the_berechnung_blocks_the_decision(antrag_v01, sachbearbeiterin_schulz):
    berechnung = actions.compute_berechnung(antrag_v01, acting_user=sachbearbeiterin_schulz)
    actions.update_antrag(
        antrag_v01, version=1, acting_user=sachbearbeiterin_schulz, heizkosten_m=Decimal("80")
    )
    with pytest.raises(InvalidTransition, match="neu berechnen"):
        actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)


def test_provisional_decision_covers_six_months(antrag_v01, sachbearbeiterin_schulz):
    antrag = actions.update_antrag(
        antrag_v01,
        version=1,
        acting_user=sachbearbeiterin_schulz,
        vorlaeufig=True,
        vorlaeufig_grund="schwankendes Einkommen aus Minijob",
    )
    berechnung = actions.compute_berechnung(antrag, acting_user=sachbearbeiterin_schulz)
    assert len(berechnung.monate) == 6


def test_other_mandant_cannot_open_antrag(bg_krause, nachbar_nora):
    with pytest.raises(NotAllowed):
        actions.create_antrag(bg_krause, acting_user=nachbar_nora, antragsdatum=datetime.date(2026, 1, 5))
