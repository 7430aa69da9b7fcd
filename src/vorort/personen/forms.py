"""Forms of the person screens; the actions do the final checks, these give early German messages."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from vorort.core.datum import datum_de
from vorort.core.fields import DatumsFeld
from vorort.core.forms import KernFormMixin
from vorort.personen.models import Arbeitsmarktstatus, Geschlecht
from vorort.personen.normalize import kundennummer
from vorort.personen.validators import normalize_iban, validate_iban


def _pflicht(was: str) -> dict:
    return {"required": f"Bitte geben Sie {was} ein."}


class PersonForm(KernFormMixin, forms.Form):
    vorname = forms.CharField(label="Vorname", max_length=100, error_messages=_pflicht("den Vornamen"))
    nachname = forms.CharField(label="Nachname", max_length=100, error_messages=_pflicht("den Nachnamen"))
    geburtsname = forms.CharField(label="Geburtsname", max_length=100, required=False)
    geburtsdatum = DatumsFeld(
        label="Geburtsdatum",
        nur_vergangenheit=True,
        beispiel=date(1979, 5, 4),
        error_messages=_pflicht("das Geburtsdatum"),
    )
    geburtsort = forms.CharField(label="Geburtsort", max_length=100, required=False)
    geschlecht = forms.ChoiceField(
        label="Geschlecht",
        choices=[("", "bitte wählen"), *Geschlecht.choices],
        error_messages={"required": "Bitte wählen Sie das Geschlecht aus (auch „ohne Angabe“ ist möglich)."},
    )
    staatsangehoerigkeit = forms.CharField(
        label="Staatsangehörigkeit",
        max_length=2,
        initial="DE",
        help_text="ISO-Ländercode, z. B. DE, PL, SY",
        validators=[
            RegexValidator(r"^[A-Za-z]{2}$", "Bitte geben Sie den zweistelligen Ländercode ein, z. B. DE.")
        ],
        error_messages=_pflicht("die Staatsangehörigkeit"),
    )
    telefon = forms.CharField(label="Telefon", max_length=50, required=False)
    email = forms.EmailField(
        label="E-Mail",
        required=False,
        error_messages={"invalid": "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.de."},
    )

    def clean_geburtsdatum(self):
        geburtsdatum = self.cleaned_data["geburtsdatum"]
        if geburtsdatum > timezone.localdate():
            raise forms.ValidationError(
                f"Das Geburtsdatum {datum_de(geburtsdatum)} liegt in der Zukunft. "
                "Bitte prüfen Sie die Angabe."
            )
        if geburtsdatum.year < 1900:
            raise forms.ValidationError("Das Geburtsdatum liegt vor 1900. Bitte prüfen Sie das Jahr.")
        return geburtsdatum

    def clean_staatsangehoerigkeit(self) -> str:
        return self.cleaned_data["staatsangehoerigkeit"].upper()


class PersonNeuForm(PersonForm):
    dubletten_geprueft = forms.BooleanField(
        label="Ich habe die möglichen Dubletten geprüft; es ist eine andere Person.",
        required=False,
    )


class PersonAendernForm(PersonForm):
    arbeitsmarktstatus = forms.ChoiceField(
        label="Arbeitsmarktstatus", required=False, choices=Arbeitsmarktstatus.choices
    )
    ohne_berufsabschluss = forms.BooleanField(label="ohne abgeschlossene Berufsausbildung", required=False)


class AdresseForm(KernFormMixin, forms.Form):
    strasse = forms.CharField(label="Straße", max_length=120, error_messages=_pflicht("die Straße"))
    hausnummer = forms.CharField(label="Hausnummer", max_length=10, error_messages=_pflicht("die Hausnummer"))
    adresszusatz = forms.CharField(
        label="Adresszusatz", max_length=100, required=False, help_text="z. B. „bei Müller“ oder „Hinterhaus“"
    )
    plz = forms.CharField(
        label="PLZ",
        max_length=5,
        error_messages=_pflicht("die Postleitzahl"),
        validators=[RegexValidator(r"^\d{5}$", "Die Postleitzahl hat genau 5 Ziffern.")],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    ort = forms.CharField(label="Ort", max_length=100, error_messages=_pflicht("den Ort"))
    gueltig_ab = DatumsFeld(
        label="gültig ab", error_messages=_pflicht("das Datum, ab dem die Anschrift gilt")
    )


class BankverbindungForm(KernFormMixin, forms.Form):
    iban = forms.CharField(
        label="IBAN",
        max_length=42,
        error_messages=_pflicht("die IBAN"),
        help_text="z. B. DE89 3704 0044 0532 0130 00; Leerzeichen sind erlaubt.",
    )
    bic = forms.CharField(label="BIC", max_length=11, required=False)
    kontoinhaber = forms.CharField(
        label="Kontoinhaber/in",
        max_length=140,
        error_messages=_pflicht("den Namen des Kontoinhabers oder der Kontoinhaberin"),
    )
    gueltig_ab = DatumsFeld(label="gültig ab", error_messages=_pflicht("das Datum, ab dem das Konto gilt"))

    def clean_iban(self) -> str:
        iban = normalize_iban(self.cleaned_data["iban"])
        validate_iban(iban)
        return iban


def _grundfeld(label: str, beispiel: str, was: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"z. B. „{beispiel}“",
        error_messages=_pflicht(was),
    )


class DubletteWaehlenForm(KernFormMixin, forms.Form):
    kundennummer = forms.CharField(
        label="Kundennummer des anderen Eintrags",
        max_length=20,
        help_text="mit oder ohne K, z. B. K100000017 oder 100000017",
        error_messages=_pflicht("die Kundennummer des anderen Eintrags"),
    )

    def clean_kundennummer(self) -> str:
        nummer = kundennummer(self.cleaned_data["kundennummer"])
        if nummer is None:
            raise forms.ValidationError(
                "Eine Kundennummer hat neun Ziffern, mit oder ohne K davor, z. B. K100000017."
            )
        return nummer


class ZusammenfuehrenForm(KernFormMixin, forms.Form):
    """Which of two records survives, and why they are merged; `bestaetigt` is the second step."""

    behalten = forms.TypedChoiceField(
        label="Welcher Eintrag wird fortgeführt?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Der andere Eintrag wird aufgelöst; seine Daten gehen auf den fortgeführten über.",
        error_messages={
            "required": "Bitte wählen Sie, welcher Eintrag fortgeführt wird.",
            "invalid_choice": "Bitte wählen Sie einen der beiden Einträge.",
        },
    )
    grund = _grundfeld(
        "Grund der Zusammenführung",
        "doppelt angelegt bei Antragstellung am 02.03.2026",
        "den Grund der Zusammenführung",
    )
    bestaetigt = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, personen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["behalten"].choices = [
            (p.pk, f"Eintrag {i}: {p.vorname} {p.nachname}, {p.kundennummer}")
            for i, p in enumerate(personen, start=1)
        ]


class TrennenForm(KernFormMixin, forms.Form):
    grund = _grundfeld(
        "Warum wird die Zusammenführung rückgängig gemacht?",
        "Zwillinge, versehentlich zusammengeführt",
        "den Grund",
    )
