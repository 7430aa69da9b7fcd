"""Forms of the benefits screens; validation of facts lives in the actions."""

from __future__ import annotations

from django import forms

from vorort.leistung.models import Antrag


class AntragForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Antrag
        fields = [
            "antragsdatum", "leistungsbeginn", "vorlaeufig", "vorlaeufig_grund", "gemeinde_ags", "wohnflaeche_m2",
            "kaltmiete_m", "heizkosten_m", "warmwasser_dezentral", "kostensenkung_laeuft", "kontoinhaber", "iban",
            "bic", "kdu_an_vermieter", "vermieter_name", "vermieter_iban", "vermieter_bic",
        ]
        widgets = {"antragsdatum": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "leistungsbeginn": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def validate_constraints(self):
        """Plausibility is checked by the action, with a German message per field (check_antrag_fakten)."""


class ZahllaufForm(forms.Form):
    monat = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", label="Zahlmonat (JJJJ-MM)",
                             error_messages={"invalid": "Bitte den Monat als JJJJ-MM angeben, z. B. 2026-03."})
