"""Forms of the core screens: login, second factor, administration.

`KernFormMixin` gives every widget the KERN UX classes; the `feld` template tag adds labels,
hints and error messages linked with `aria-describedby`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from vorort.core.actions import MANDANT_AENDERBAR
from vorort.core.fields import DatumsFeld
from vorort.core.models import AuditEvent, Mandant, Rolle, Team


class KernFormMixin:
    """Set the KERN UX CSS classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "kern-form-check__checkbox")
            elif isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "kern-form-check__radio")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "kern-form-input__select")
            else:
                widget.attrs.setdefault("class", "kern-form-input__input")


class AnmeldeForm(KernFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Benutzername oder Passwort ist falsch. Bitte prüfen Sie Ihre Eingabe (auf Groß- und "
            "Kleinschreibung achten). Nach 5 Fehlversuchen wird das Konto für 15 Minuten gesperrt."
        ),
        "inactive": "Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die Administration.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Benutzername"
        self.fields["username"].error_messages["required"] = "Bitte geben Sie Ihren Benutzernamen ein."
        self.fields["password"].label = "Passwort"
        self.fields["password"].error_messages["required"] = "Bitte geben Sie Ihr Passwort ein."


class CodeForm(KernFormMixin, forms.Form):
    code = forms.CharField(
        label="Sechsstelliger Code",
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", "Der Code besteht aus genau 6 Ziffern.")],
        help_text="Den Code zeigt Ihre Authenticator-App; er wechselt alle 30 Sekunden.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
        error_messages={
            "required": "Bitte geben Sie den sechsstelligen Code aus Ihrer Authenticator-App ein.",
            "min_length": "Der Code besteht aus genau 6 Ziffern.",
            "max_length": "Der Code besteht aus genau 6 Ziffern.",
        },
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


# --- Datenschutz ----------------------------------------------------------------------------


class ProtokollFilterForm(KernFormMixin, forms.Form):
    person = forms.CharField(
        label="Person",
        required=False,
        max_length=100,
        help_text="Kundennummer oder Nachname",
    )
    bg = forms.CharField(
        label="Bedarfsgemeinschaft",
        required=False,
        max_length=20,
        help_text="BG-Nummer oder laufende Nummer, z. B. 42",
    )
    benutzer = forms.CharField(
        label="Benutzer/in",
        required=False,
        max_length=100,
        help_text="Name oder Benutzername",
    )
    typ = forms.TypedChoiceField(
        label="Ereignis",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "alle"), *AuditEvent.Typ.choices],
    )
    von = DatumsFeld(label="von", required=False)
    bis = DatumsFeld(label="bis", required=False)

    def clean(self):
        daten = super().clean()
        if daten.get("von") and daten.get("bis") and daten["von"] > daten["bis"]:
            self.add_error(
                "bis", "Das Ende des Zeitraums liegt vor dem Anfang. Bitte tauschen Sie die Daten."
            )
        return daten


# --- Administration -------------------------------------------------------------------------


class BenutzerForm(KernFormMixin, forms.Form):
    username = forms.CharField(
        label="Benutzername",
        max_length=150,
        validators=[RegexValidator(r"^[\w.@+-]+\Z", "Erlaubt sind Buchstaben, Ziffern und . @ + - _")],
        error_messages={"required": "Bitte geben Sie einen Benutzernamen ein."},
    )
    first_name = forms.CharField(
        label="Vorname", max_length=150, error_messages={"required": "Bitte geben Sie den Vornamen ein."}
    )
    last_name = forms.CharField(
        label="Nachname", max_length=150, error_messages={"required": "Bitte geben Sie den Nachnamen ein."}
    )
    email = forms.EmailField(
        label="E-Mail",
        required=False,
        error_messages={"invalid": "Bitte geben Sie eine gültige E-Mail-Adresse ein."},
    )
    password = forms.CharField(
        label="Erstes Passwort",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Mindestens 12 Zeichen; die Person ändert es bei der ersten Anmeldung.",
        error_messages={"required": "Bitte vergeben Sie ein erstes Passwort."},
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams", required=False, queryset=Team.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    rollen = forms.MultipleChoiceField(
        label="Rollen", required=False, choices=Rolle.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(
        label="Konto aktiv",
        required=False,
        initial=True,
        help_text="Deaktivierte Konten können sich nicht mehr anmelden.",
    )

    def __init__(self, *args, mandant_id: int, neu: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(mandant_id=mandant_id)
        if neu:
            del self.fields["is_active"]
        else:
            del self.fields["username"]
            del self.fields["password"]


class TeamForm(KernFormMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, error_messages={"required": "Bitte geben Sie den Namen des Teams ein."}
    )
    kuerzel = forms.CharField(
        label="Kürzel",
        max_length=20,
        help_text="z. B. L1; eindeutig im Jobcenter",
        error_messages={"required": "Bitte geben Sie ein Kürzel ein."},
    )
    beschreibung = forms.CharField(label="Beschreibung", max_length=200, required=False)


class MandantForm(KernFormMixin, forms.ModelForm):
    class Meta:
        model = Mandant
        fields = MANDANT_AENDERBAR
        widgets = {"briefkopf": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {"required": "Bitte geben Sie den Namen des Jobcenters ein."},
            "email": {"invalid": "Bitte geben Sie eine gültige E-Mail-Adresse ein."},
            "website": {
                "invalid": "Bitte geben Sie eine vollständige Adresse ein, z. B. https://jobcenter.example.de"
            },
        }

    def clean_iban(self) -> str:
        from vorort.personen.validators import normalize_iban, validate_iban

        iban = self.cleaned_data["iban"]
        if iban:
            validate_iban(iban)
            return normalize_iban(iban)
        return iban


def apply_validation_errors(form, fehler: ValidationError) -> None:
    """Put an action's German messages next to their fields; the rest above the form."""
    if not hasattr(fehler, "error_dict"):
        form.add_error(None, fehler.messages)
        return
    for feld, meldungen in fehler.message_dict.items():
        form.add_error(feld if feld in form.fields else None, meldungen)
