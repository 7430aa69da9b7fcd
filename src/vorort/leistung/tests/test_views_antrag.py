"""Screens to take up an Antrag and record each person's facts and incomes.

Messages stand next to the field, entries are kept on error, and an edit based on an old version
of the Antrag is refused without overwriting anything (optimistic locking, as for the household).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import anmelden
from django.urls import reverse

from vorort.core.models import AuditEvent
from vorort.leistung import actions
from vorort.leistung.models import Antrag, Einkommen

pytestmark = pytest.mark.django_db


@pytest.fixture
def krause(bg_krause):
    return bg_krause.mitgliedschaften.get().person


def person_url(antrag, person):
    return reverse("leistung:antrag_person", args=[antrag.pk, person.pk])


def einkommen_url(antrag, person):
    return reverse("leistung:einkommen_neu", args=[antrag.pk, person.pk])


def test_caseworker_takes_up_an_antrag_from_the_bg(client, sachbearbeiterin_schulz, bg_krause, krause_konto):
    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("leistung:antrag_neu", args=[bg_krause.pk])
    response = client.post(url, {"art": "erstantrag", "antragsdatum": "31.02.2023"})
    assert "Den 31.02.2023 gibt es nicht. Der Februar 2023 hat 28 Tage." in response.content.decode()
    assert Antrag.objects.count() == 0
    response = client.post(url, {"art": "erstantrag", "antragsdatum": "15.03.2023"})
    antrag = Antrag.objects.get()
    assert response.url == reverse("leistung:antrag", args=[antrag.pk])
    # § 37 Abs. 2 S. 2 SGB II: the application reaches back to the first of the month.
    assert antrag.leistungsbeginn == date(2023, 3, 1)
    assert antrag.iban == krause_konto.iban
    assert antrag.erstellt_von == sachbearbeiterin_schulz


def test_other_team_and_other_mandant_get_404(client, sachbearbeiter_braun, nachbar_nora, antrag_v01, krause):
    for user in (sachbearbeiter_braun, nachbar_nora):
        client.logout()
        anmelden(client, user)
        assert client.get(person_url(antrag_v01, krause)).status_code == 404
        assert client.post(einkommen_url(antrag_v01, krause), {"version": 1}).status_code == 404
        neu = reverse("leistung:antrag_neu", args=[antrag_v01.bedarfsgemeinschaft_id])
        assert client.get(neu).status_code == 404


def test_person_facts_are_saved_and_negative_amounts_refused_next_to_the_field(
    client, sachbearbeiterin_schulz, antrag_v01, krause
):
    anmelden(client, sachbearbeiterin_schulz)
    daten = {
        "version": antrag_v01.version,
        "mehrbedarf_ernaehrung_m": "0",
        "mehrbedarf_unabweisbar_m": "0",
        "vermoegen": "-1.500,00",
        "schueler_student_azubi": "on",
    }
    response = client.post(person_url(antrag_v01, krause), daten)
    seite = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_vermoegen-fehler"' in seite
    assert "Der Betrag darf nicht negativ sein (eingegeben: -1.500,00 €)." in seite
    assert 'value="-1.500,00"' in seite, "the entry is kept"
    ap = antrag_v01.personen.get()
    assert (ap.vermoegen, ap.schueler_student_azubi) == (Decimal("0.00"), False)

    response = client.post(person_url(antrag_v01, krause), daten | {"vermoegen": "12.000,50"})
    assert response.status_code == 302
    ap.refresh_from_db()
    assert (ap.vermoegen, ap.schueler_student_azubi) == (Decimal("12000.50"), True)
    antrag_v01.refresh_from_db()
    assert antrag_v01.version == 2
    event = AuditEvent.objects.filter(typ=AuditEvent.Typ.ANTRAG_GEAENDERT).latest("pk")
    assert event.acting_user == sachbearbeiterin_schulz and event.person_id == krause.pk


def test_person_facts_on_an_old_version_are_refused_and_nothing_is_overwritten(
    client, sachbearbeiterin_schulz, teamleitung_weber, antrag_v01, krause
):
    actions.update_antrag_person(
        antrag_v01, krause.pk, version=1, acting_user=teamleitung_weber, vermoegen=Decimal("500.00")
    )
    anmelden(client, sachbearbeiterin_schulz)
    response = client.post(
        person_url(antrag_v01, krause),
        {
            "version": 1,
            "mehrbedarf_ernaehrung_m": "0",
            "mehrbedarf_unabweisbar_m": "0",
            "vermoegen": "9.999,00",
        },
    )
    seite = response.content.decode()
    assert response.status_code == 200
    assert "inzwischen von Waltraud Weber geändert" in seite
    assert 'value="9.999,00"' in seite
    assert antrag_v01.personen.get().vermoegen == Decimal("500.00")


@pytest.mark.parametrize(
    ("eingabe", "feld", "meldung"),
    [
        ({"monat_ab": ""}, "monat_ab", "Bitte den Monat des Zuflusses angeben"),
        ({"monat_ab": "13.2023"}, "monat_ab", "Den Monat 13.2023 gibt es nicht."),
        ({"brutto": "-10,00"}, "brutto", "Der Betrag darf nicht negativ sein."),
        (
            {"netto": "900,00"},
            "netto",
            "Der Nettobetrag (900,00 €) ist höher als der Bruttobetrag (800,00 €).",
        ),
        ({"monat_bis": "01.2023"}, "monat_bis", "Der letzte Monat liegt vor dem ersten Monat."),
    ],
)
def test_income_errors_stand_next_to_the_field_and_entries_are_kept(
    client, sachbearbeiterin_schulz, antrag_v01, krause, eingabe, feld, meldung
):
    anmelden(client, sachbearbeiterin_schulz)
    daten = {"version": 1, "art": "erwerb", "monat_ab": "03.2023", "brutto": "800,00", "netto": "640,00"}
    daten |= eingabe
    response = client.post(einkommen_url(antrag_v01, krause), daten)
    seite = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{feld}-fehler"' in seite
    assert meldung in seite
    assert all(f'value="{wert}"' in seite for wert in eingabe.values() if wert), "the entries are kept"
    assert Einkommen.objects.count() == 0
    antrag_v01.refresh_from_db()
    assert antrag_v01.version == 1


def test_income_is_recorded_for_its_month(client, sachbearbeiterin_schulz, antrag_v01, krause):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.post(
        einkommen_url(antrag_v01, krause),
        {
            "version": 1,
            "art": "erwerb",
            "monat_ab": "03.2023",
            "monat_bis": "5/2023",
            "brutto": "1.200,00",
            "netto": "950,00",
        },
    )
    assert response.status_code == 302
    einkommen = Einkommen.objects.get()
    assert (einkommen.person_id, einkommen.art, einkommen.monat_ab, einkommen.monat_bis) == (
        krause.pk,
        Einkommen.Art.ERWERB,
        date(2023, 3, 1),
        date(2023, 5, 1),
    )
    assert (einkommen.brutto, einkommen.netto) == (Decimal("1200.00"), Decimal("950.00"))
    seite = client.get(person_url(antrag_v01, krause)).content.decode()
    assert "1.200,00\u00a0€" in seite and "ab 03.2023 bis 05.2023" in seite


def test_income_on_an_old_version_is_refused(
    client, sachbearbeiterin_schulz, teamleitung_weber, antrag_v01, krause
):
    actions.update_antrag(antrag_v01, version=1, acting_user=teamleitung_weber, heizkosten_m=Decimal("80.00"))
    anmelden(client, sachbearbeiterin_schulz)
    response = client.post(
        einkommen_url(antrag_v01, krause),
        {"version": 1, "art": "rente", "monat_ab": "03.2023", "brutto": "300,00"},
    )
    seite = response.content.decode()
    assert "inzwischen von Waltraud Weber geändert" in seite
    assert 'value="300,00"' in seite
    assert Einkommen.objects.count() == 0


def antrag_formular(client, antrag) -> dict:
    """The Antrag's form as the browser sends it: every field with its shown value."""
    form = client.get(reverse("leistung:antrag", args=[antrag.pk])).context["form"]
    daten = {}
    for feld in form:
        wert = feld.field.prepare_value(feld.value())
        if wert is None or wert is False:
            continue
        daten[feld.html_name] = "on" if wert is True else feld.field.widget.format_value(wert) or ""
    return daten


def test_berechnen_saves_the_typed_facts_first(client, sachbearbeiterin_schulz, bg_krause, krause_konto):
    """Defect 4 of issue 8: "Berechnen" right after typing the rent used to calculate with 0 € KdU."""
    antrag = actions.create_antrag(
        bg_krause, acting_user=sachbearbeiterin_schulz, antragsdatum=date(2023, 3, 1)
    )
    anmelden(client, sachbearbeiterin_schulz)
    daten = antrag_formular(client, antrag) | {"kaltmiete_m": "420,00", "heizkosten_m": "75,00"}

    response = client.post(reverse("leistung:antrag", args=[antrag.pk]), daten | {"berechnen": "1"})

    berechnung = antrag.berechnungen.get()
    assert response.url == reverse("leistung:berechnung", args=[berechnung.pk])
    antrag.refresh_from_db()
    assert (antrag.kaltmiete_m, antrag.heizkosten_m, antrag.version) == (
        Decimal("420.00"),
        Decimal("75.00"),
        2,
    )
    assert berechnung.antrag_version == 2
    # Golden case V01 (single, 2023, rent 420 € + heating 75 €): KdU 495 €.
    assert berechnung.ergebnis["2023-03"]["bg"]["kdu_anerkannt_m"] == 495.0
    typen = list(AuditEvent.objects.order_by("pk").values_list("typ", flat=True))
    assert typen[-2:] == [AuditEvent.Typ.ANTRAG_GEAENDERT, AuditEvent.Typ.BERECHNUNG_ERSTELLT]


def test_berechnen_with_an_invalid_fact_shows_the_error_and_calculates_nothing(
    client, sachbearbeiterin_schulz, antrag_v01
):
    anmelden(client, sachbearbeiterin_schulz)
    daten = antrag_formular(client, antrag_v01) | {"kaltmiete_m": "-420,00", "berechnen": "1"}

    response = client.post(reverse("leistung:antrag", args=[antrag_v01.pk]), daten)

    seite = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_kaltmiete_m-fehler"' in seite and "darf nicht negativ sein" in seite
    assert 'value="-420,00"' in seite
    assert not antrag_v01.berechnungen.exists()
    antrag_v01.refresh_from_db()
    assert (antrag_v01.kaltmiete_m, antrag_v01.version) == (Decimal("420.00"), 1)


def test_berechnen_without_changes_calculates_without_a_new_version(
    client, sachbearbeiterin_schulz, antrag_v01
):
    anmelden(client, sachbearbeiterin_schulz)
    daten = antrag_formular(client, antrag_v01) | {"berechnen": "1"}

    response = client.post(reverse("leistung:antrag", args=[antrag_v01.pk]), daten)

    assert response.status_code == 302
    assert antrag_v01.berechnungen.get().antrag_version == 1
    assert not AuditEvent.objects.filter(typ=AuditEvent.Typ.ANTRAG_GEAENDERT).exists()


@pytest.mark.parametrize(
    ("miete", "eigentum", "warnung"),
    [
        (Decimal("0.00"), False, "wohnt aber zur Miete (Gotthardstraße"),
        (Decimal("0.00"), True, None),
        (Decimal("420.00"), False, None),
    ],
)
def test_a_berechnung_without_housing_costs_warns_for_a_rented_flat(
    client, sachbearbeiterin_schulz, bg_krause, krause_konto, miete, eigentum, warnung
):
    haushalt = bg_krause.haushalt
    haushalt.eigentum, haushalt.bruttokaltmiete_m = eigentum, Decimal("380.00")
    haushalt.save()
    antrag = actions.create_antrag(
        bg_krause, acting_user=sachbearbeiterin_schulz, antragsdatum=date(2023, 3, 1), kaltmiete_m=miete
    )
    berechnung = actions.compute_berechnung(antrag, acting_user=sachbearbeiterin_schulz)
    anmelden(client, sachbearbeiterin_schulz)

    seite = client.get(reverse("leistung:berechnung", args=[berechnung.pk])).content.decode()

    if warnung is None:
        assert "keine Kosten der Unterkunft" not in seite
    else:
        assert "keine Kosten der Unterkunft und Heizung (0,00\u00a0€)" in seite
        assert "in 12 Monaten (03.2023 bis 02.2024)" in seite
        assert warnung in seite
        assert "Im Haushalt ist eine Bruttokaltmiete von 380,00\u00a0€ bekannt." in seite


def aendern_url(antrag, person, einkommen):
    return reverse("leistung:einkommen_aendern", args=[antrag.pk, person.pk, einkommen.pk])


@pytest.fixture
def lohn(antrag_v01, krause, sachbearbeiterin_schulz):
    """Herr Krause's wage from 03.2023, typed with a wrong gross amount (version 2 of the Antrag)."""
    return actions.add_einkommen(
        antrag_v01,
        version=1,
        acting_user=sachbearbeiterin_schulz,
        person_id=krause.pk,
        art=Einkommen.Art.ERWERB,
        monat_ab=date(2023, 3, 1),
        brutto=Decimal("12000.00"),
        netto=Decimal("950.00"),
    )


def test_an_income_is_corrected_with_an_audit_event(
    client, sachbearbeiterin_schulz, antrag_v01, krause, lohn
):
    anmelden(client, sachbearbeiterin_schulz)
    seite = client.get(person_url(antrag_v01, krause)).content.decode()
    assert aendern_url(antrag_v01, krause, lohn) in seite, "each income row links to its correction"
    formular = client.get(aendern_url(antrag_v01, krause, lohn)).content.decode()
    assert 'value="12.000,00"' in formular and 'value="03.2023"' in formular

    daten = {"version": 2, "art": "erwerb", "monat_ab": "03.2023", "monat_bis": "", "brutto": "1.200,00"}
    response = client.post(aendern_url(antrag_v01, krause, lohn), daten | {"netto": "950,00"}, follow=True)

    assert "Einkommen von Karl Krause geändert." in response.content.decode()
    lohn.refresh_from_db()
    assert (lohn.brutto, lohn.netto, lohn.monat_ab) == (
        Decimal("1200.00"),
        Decimal("950.00"),
        date(2023, 3, 1),
    )
    antrag_v01.refresh_from_db()
    assert antrag_v01.version == 3
    event = AuditEvent.objects.filter(typ=AuditEvent.Typ.ANTRAG_GEAENDERT).latest("pk")
    assert event.acting_user == sachbearbeiterin_schulz and event.person_id == krause.pk
    assert event.details["einkommen_aktion"] == "geaendert"
    assert event.details["alt"] == {"brutto": "12000.00"} and event.details["neu"] == {"brutto": "1200.00"}


def test_a_wrong_correction_keeps_the_entry_and_changes_nothing(
    client, sachbearbeiterin_schulz, antrag_v01, krause, lohn
):
    anmelden(client, sachbearbeiterin_schulz)
    daten = {"version": 2, "art": "erwerb", "monat_ab": "31.2023", "brutto": "1.200,00", "netto": "1.300,00"}
    response = client.post(aendern_url(antrag_v01, krause, lohn), daten)
    seite = response.content.decode()
    assert response.status_code == 200
    assert "Den Monat 31.2023 gibt es nicht." in seite
    assert 'value="31.2023"' in seite and 'value="1.300,00"' in seite
    lohn.refresh_from_db()
    assert lohn.brutto == Decimal("12000.00")


def test_an_income_is_deleted_with_an_audit_event(client, sachbearbeiterin_schulz, antrag_v01, krause, lohn):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.post(
        aendern_url(antrag_v01, krause, lohn), {"version": 2, "loeschen": "1"}, follow=True
    )
    assert "Einkommen von Karl Krause gelöscht" in response.content.decode()
    assert not Einkommen.objects.exists()
    antrag_v01.refresh_from_db()
    assert antrag_v01.version == 3
    event = AuditEvent.objects.filter(typ=AuditEvent.Typ.ANTRAG_GEAENDERT).latest("pk")
    assert event.details["einkommen_aktion"] == "geloescht"
    assert event.details["alt"]["brutto"] == "12000.00"


@pytest.mark.parametrize("aktion", ["aendern", "loeschen"])
def test_an_income_change_on_an_old_version_is_refused(
    client, sachbearbeiterin_schulz, teamleitung_weber, antrag_v01, krause, lohn, aktion
):
    actions.update_antrag(antrag_v01, version=2, acting_user=teamleitung_weber, heizkosten_m=Decimal("80.00"))
    anmelden(client, sachbearbeiterin_schulz)
    daten = {"version": 2, "art": "erwerb", "monat_ab": "03.2023", "brutto": "1.200,00", "netto": "950,00"}
    if aktion == "loeschen":
        daten = {"version": 2, "loeschen": "1"}
    response = client.post(aendern_url(antrag_v01, krause, lohn), daten)
    assert "inzwischen von Waltraud Weber geändert" in response.content.decode()
    lohn.refresh_from_db()
    assert lohn.brutto == Decimal("12000.00")


def test_incomes_of_a_decided_antrag_cannot_be_changed(
    client, sachbearbeiterin_schulz, antrag_v01, krause, lohn
):
    Antrag.objects.filter(pk=antrag_v01.pk).update(status=Antrag.Status.BEWILLIGT)
    anmelden(client, sachbearbeiterin_schulz)
    assert (
        aendern_url(antrag_v01, krause, lohn)
        not in client.get(person_url(antrag_v01, krause)).content.decode()
    )
    seite = client.get(aendern_url(antrag_v01, krause, lohn)).content.decode()
    assert "kann nicht mehr geändert werden" in seite and "Einkommen löschen" not in seite
    response = client.post(aendern_url(antrag_v01, krause, lohn), {"version": 2, "loeschen": "1"})
    assert "bewilligt und kann nicht mehr geändert werden" in response.content.decode()
    assert Einkommen.objects.exists()


def test_another_team_cannot_reach_an_income(
    client, sachbearbeiter_braun, nachbar_nora, antrag_v01, krause, lohn
):
    for user in (sachbearbeiter_braun, nachbar_nora):
        client.logout()
        anmelden(client, user)
        assert client.get(aendern_url(antrag_v01, krause, lohn)).status_code == 404
        assert (
            client.post(aendern_url(antrag_v01, krause, lohn), {"version": 2, "loeschen": "1"}).status_code
            == 404
        )
    assert Einkommen.objects.exists()
