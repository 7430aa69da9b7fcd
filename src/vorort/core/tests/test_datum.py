"""The shared date and month fields: what a caseworker types, what she reads back (decision 0303)."""

from __future__ import annotations

import doctest
import re
from datetime import date

import pytest
import time_machine
from django import forms

from vorort.core import datum
from vorort.core.fields import DatumsFeld, MonatsFeld
from vorort.core.forms import KernFormMixin, ProtokollFilterForm
from vorort.leistung.forms import AntragNeuForm, EinkommenForm, ZahllaufForm
from vorort.personen.forms import AdresseForm, BankverbindungForm, PersonForm

HEUTE = date(2026, 12, 2)


class Formular(KernFormMixin, forms.Form):
    geburtsdatum = DatumsFeld(label="Geburtsdatum", nur_vergangenheit=True)
    antragsdatum = DatumsFeld(label="Antragsdatum", required=False)
    monat = MonatsFeld(label="Monat", required=False)


def fehler(daten: dict, feld: str) -> list[str]:
    form = Formular(daten)
    assert not form.is_valid()
    return form.errors[feld]


@pytest.fixture(autouse=True)
def heute():
    with time_machine.travel(date(2026, 12, 2), tick=False):
        yield


@pytest.mark.parametrize(
    ("eingabe", "erwartet"),
    [
        ("07.03.1964", date(1964, 3, 7)),
        ("7.3.1964", date(1964, 3, 7)),
        (" 07.03.1964 ", date(1964, 3, 7)),
        ("07/03/1964", date(1964, 3, 7)),
        ("29.02.2024", date(2024, 2, 29)),
    ],
)
def test_a_german_date_is_read(eingabe, erwartet):
    form = Formular({"geburtsdatum": eingabe})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["geburtsdatum"] == erwartet


@pytest.mark.parametrize(
    ("eingabe", "meldung"),
    [
        ("31.02.1964", "Den 31.02.1964 gibt es nicht. Der Februar 1964 hat 29 Tage."),
        ("29.02.2023", "Den 29.02.2023 gibt es nicht. Der Februar 2023 hat 28 Tage."),
        ("31.04.2026", "Den 31.04.2026 gibt es nicht. Der April 2026 hat 30 Tage."),
        ("00.01.2026", "Den 00.01.2026 gibt es nicht."),
        ("12.13.2026", "Den 12.13.2026 gibt es nicht. Einen Monat 13 gibt es nicht"),
    ],
)
def test_a_day_that_does_not_exist_is_named_as_such(eingabe, meldung):
    (text,) = fehler({"geburtsdatum": eingabe}, "geburtsdatum")
    assert text.startswith(meldung)
    assert "Format" not in text


@pytest.mark.parametrize(
    ("eingabe", "meldung"),
    [
        ("1964-03-07", "Bitte geben Sie das Datum als TT.MM.JJJJ ein, also 07.03.1964."),
        ("gestern", "„gestern“ ist kein Datum. Bitte geben Sie es als TT.MM.JJJJ ein"),
        ("07.03", "„07.03“ ist kein Datum."),
        ("07.03.196", "„07.03.196“ ist kein Datum."),
    ],
)
def test_a_wrong_format_says_how_to_write_it(eingabe, meldung):
    (text,) = fehler({"geburtsdatum": eingabe}, "geburtsdatum")
    assert text.startswith(meldung)


@pytest.mark.parametrize(
    ("feld", "eingabe", "erwartet"),
    [
        # Birth dates cannot lie ahead: the hundred years end this year.
        ("geburtsdatum", "07.03.64", date(1964, 3, 7)),
        ("geburtsdatum", "01.01.26", date(2026, 1, 1)),
        ("geburtsdatum", "01.01.27", date(1927, 1, 1)),
        # Other dates may lie up to ten years ahead.
        ("antragsdatum", "01.01.36", date(2036, 1, 1)),
        ("antragsdatum", "01.01.37", date(1937, 1, 1)),
        ("antragsdatum", "15.3.26", date(2026, 3, 15)),
    ],
)
def test_two_digit_years(feld, eingabe, erwartet):
    form = Formular({"geburtsdatum": "01.01.1980"} | {feld: eingabe})
    assert form.is_valid(), form.errors
    assert form.cleaned_data[feld] == erwartet
    # Shown again with four digits, so nobody has to guess the century.
    gerendert = str(Formular(initial={feld: form.cleaned_data[feld]})[feld])
    assert f'value="{erwartet:%d.%m.%Y}"' in gerendert


@pytest.mark.parametrize(
    ("eingabe", "erwartet"),
    [
        ("03.2026", date(2026, 3, 1)),
        ("3.2026", date(2026, 3, 1)),
        ("3/2026", date(2026, 3, 1)),
        ("03/2026", date(2026, 3, 1)),
        ("03.26", date(2026, 3, 1)),
        ("12.2026", date(2026, 12, 1)),
    ],
)
def test_a_month_is_read(eingabe, erwartet):
    form = Formular({"geburtsdatum": "01.01.1980", "monat": eingabe})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["monat"] == erwartet


@pytest.mark.parametrize(
    ("eingabe", "meldung"),
    [
        ("13.2026", "Den Monat 13.2026 gibt es nicht. Bitte als Monat 01 bis 12 angeben."),
        ("00.2026", "Den Monat 00.2026 gibt es nicht. Bitte als Monat 01 bis 12 angeben."),
        ("2026-03", "Bitte geben Sie den Monat als MM.JJJJ ein, also 03.2026."),
        ("März", "„März“ ist kein Monat. Bitte geben Sie ihn als MM.JJJJ ein, z. B. 03.2026."),
    ],
)
def test_a_wrong_month_says_what_is_wrong(eingabe, meldung):
    (text,) = fehler({"geburtsdatum": "01.01.1980", "monat": eingabe}, "monat")
    assert text == meldung


def test_a_form_shows_dates_and_months_the_german_way_and_keeps_a_wrong_entry():
    form = Formular(initial={"geburtsdatum": date(1964, 3, 7), "monat": date(2026, 3, 1)})
    assert 'value="07.03.1964"' in str(form["geburtsdatum"])
    assert 'value="03.2026"' in str(form["monat"])
    form = Formular({"geburtsdatum": "31.02.1964", "monat": "3/2026"})
    assert 'value="31.02.1964"' in str(form["geburtsdatum"])
    assert 'value="3/2026"' in str(form["monat"])


def test_unchanged_dates_are_not_reported_as_changed():
    form = Formular({"geburtsdatum": "7.3.1964"}, initial={"geburtsdatum": date(1964, 3, 7)})
    assert form.is_valid()
    assert "geburtsdatum" not in form.changed_data


ALLE_FORMULARE = [
    AntragNeuForm,
    EinkommenForm,
    ZahllaufForm,
    PersonForm,
    AdresseForm,
    BankverbindungForm,
]


@pytest.mark.parametrize("formular", ALLE_FORMULARE, ids=lambda f: f.__name__)
def test_every_date_and_month_field_is_the_shared_one(formular):
    felder = formular.base_fields.values()
    assert not [f for f in felder if isinstance(f, forms.DateField)], "use core.fields.DatumsFeld"
    hinweise = " ".join(str(f.help_text) for f in felder)
    assert not re.search(r"\d{4}-\d{2}", hinweise), hinweise
    assert "JJJJ-MM" not in hinweise


def test_the_audit_filter_uses_the_shared_field():
    assert isinstance(ProtokollFilterForm.base_fields["von"], DatumsFeld)


def test_no_hint_suggests_a_birth_date_in_the_future():
    """An example is an example of a date that could be typed: not one that has not come yet."""
    hinweis = str(PersonForm.base_fields["geburtsdatum"].help_text)
    beispiele = [datum.parse_datum(t) for t in re.findall(r"\d{2}\.\d{2}\.\d{4}", hinweis)]
    assert beispiele and all(b <= HEUTE for b in beispiele), hinweis
    for formular in ALLE_FORMULARE:
        for feld in formular.base_fields.values():
            if isinstance(feld, DatumsFeld) and feld.nur_vergangenheit:
                text = str(feld.help_text)
                assert all(datum.parse_datum(t) <= HEUTE for t in re.findall(r"\d{2}\.\d{2}\.\d{4}", text))


def test_doctests():
    assert doctest.testmod(datum).failed == 0
