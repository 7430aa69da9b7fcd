"""Forms of the benefits screens; validation of facts lives in the actions."""

from __future__ import annotations

from django import forms

from vorort.core.fields import DatumsFeld, MonatsFeld
from vorort.core.forms import KernFormMixin
from vorort.leistung.models import ANTRAG_FAKTEN, Antrag, AntragPerson, Einkommen
from vorort.personen.gemeinden import GemeindeAuswahl

GELD_FELDER = {
    "wohnflaeche_m2",
    "kaltmiete_m",
    "heizkosten_m",
    "mehrbedarf_ernaehrung_m",
    "mehrbedarf_unabweisbar_m",
    "vermoegen",
}


def _geldfelder_deutsch(form: forms.BaseForm) -> None:
    """Amounts are typed and shown the German way (420,50; 1.234,56)."""
    for name, field in form.fields.items():
        if name in GELD_FELDER or isinstance(field, forms.DecimalField):
            attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("step", "min", "max")}
            field.localize = True
            field.widget = forms.TextInput(attrs=attrs | {"inputmode": "decimal"})
            field.widget.is_localized = True
            field.error_messages["invalid"] = (
                "Bitte geben Sie die Fläche in m² ein, z. B. 54,5."
                if name == "wohnflaeche_m2"
                else "Bitte geben Sie einen Betrag in Euro ein, z. B. 420,50 oder 1.234,56."
            )


class AntragNeuForm(KernFormMixin, forms.Form):
    art = forms.ChoiceField(
        label="Art des Antrags", choices=Antrag.Art.choices, initial=Antrag.Art.ERSTANTRAG
    )
    antragsdatum = DatumsFeld(
        label="Antragsdatum (Eingang)",
        nur_vergangenheit=True,
        error_messages={"required": "Bitte das Eingangsdatum des Antrags angeben (§ 37 Abs. 2 SGB II)."},
    )
    leistungsbeginn = DatumsFeld(
        label="Leistungsbeginn",
        required=False,
        help_text="Leer: der Erste des Antragsmonats. Format TT.MM.JJJJ, z. B. 01.03.2026",
    )


class AntragForm(KernFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    antragsdatum = DatumsFeld(label="Antragsdatum", nur_vergangenheit=True)
    leistungsbeginn = DatumsFeld(label="Leistungsbeginn")

    class Meta:
        model = Antrag
        fields = ANTRAG_FAKTEN

    def __init__(self, *args, gemeinden: GemeindeAuswahl, **kwargs):
        super().__init__(*args, **kwargs)
        _geldfelder_deutsch(self)
        # A hint next to a checkbox wraps word by word; the label says it in one line.
        self.fields[
            "vorlaeufig"
        ].label = "Vorläufige Entscheidung (§ 41a SGB II, Bewilligungszeitraum 6 Monate)"
        self.fields["vorlaeufig"].help_text = ""
        self.fields["gemeinde_ags"] = _gemeindefeld(gemeinden, self.instance.gemeinde_ags)

    def validate_constraints(self):
        """Plausibility is checked by the action, with a German message per field (check_antrag_fakten)."""


def _gemeindefeld(auswahl: GemeindeAuswahl, ags: str) -> forms.Field:
    """The dwelling's municipality, from the household's postcode: nobody types an AGS.

    One municipality for the postcode: shown, not editable. Several (or none of the Mandant's):
    the caseworker chooses by name. Without a municipality list the stored key is only shown.
    """
    anschrift = str(auswahl.haushalt)
    # Built after KernFormMixin set the classes, so the widget gets its KERN class here.
    feld_daten = {
        "label": "Gemeinde der Wohnung",
        "widget": forms.Select(attrs={"class": "kern-form-input__select"}),
    }
    if not auswahl.hat_liste:
        return forms.ChoiceField(
            choices=[(ags, f"Gemeindeschlüssel {ags}" if ags else "unbekannt")],
            disabled=True,
            help_text=f"Anschrift: {anschrift}. Für das Jobcenter ist keine Gemeindeliste hinterlegt.",
            **feld_daten,
        )
    choices = [(g.ags, g.name) for g in auswahl.kandidaten]
    if auswahl.eindeutig:
        return forms.ChoiceField(
            choices=choices,
            # A key stored before the address changed is replaced when the Antrag is saved.
            disabled=ags == choices[0][0],
            help_text=f"Aus der Anschrift {anschrift} (Gemeindeschlüssel {choices[0][0]}).",
            **feld_daten,
        )
    grund = (
        f"Die Postleitzahl {auswahl.haushalt.plz} gehört zu mehreren Gemeinden"
        if auswahl.nach_plz
        else f"Die Postleitzahl {auswahl.haushalt.plz} gehört zu keiner Gemeinde des Jobcenters"
    )
    return forms.ChoiceField(
        choices=[("", "bitte wählen"), *choices],
        help_text=f"Anschrift: {anschrift}. {grund}; bitte wählen Sie die Gemeinde der Wohnung.",
        error_messages={
            "required": "Bitte wählen Sie die Gemeinde der Wohnung.",
            "invalid_choice": "Bitte wählen Sie eine Gemeinde aus der Liste.",
        },
        **feld_daten,
    )


class AntragPersonForm(KernFormMixin, forms.ModelForm):
    """One person's facts: Mehrbedarfe (§ 21 SGB II), schooling (§ 11b Abs. 2b) and assets (§ 12)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = AntragPerson
        fields = [
            "alleinerziehend",
            "schwanger_ab_13_woche",
            "mehrbedarf_behinderung",
            "mehrbedarf_ernaehrung_m",
            "mehrbedarf_unabweisbar_m",
            "schueler_student_azubi",
            "vermoegen",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _geldfelder_deutsch(self)
        for name in ("mehrbedarf_ernaehrung_m", "mehrbedarf_unabweisbar_m", "vermoegen"):
            self.fields[name].error_messages["required"] = "Bitte einen Betrag eintragen (0 für keinen)."

    def validate_constraints(self):
        """Negative amounts are refused by the action with a German message (update_antrag_person)."""


class EinkommenForm(KernFormMixin, forms.Form):
    """An income of the person for a month or from a month on; checks of amounts live in add_einkommen."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    art = forms.ChoiceField(label="Art des Einkommens", choices=Einkommen.Art.choices)
    monat_ab = MonatsFeld(
        label="Monat des Zuflusses (ab)",
        error_messages={
            "required": (
                "Bitte den Monat des Zuflusses angeben: Einkommen wird in dem Monat berücksichtigt, "
                "in dem es zufließt (§ 11 Abs. 2 SGB II)."
            )
        },
    )
    monat_bis = MonatsFeld(
        label="bis Monat", required=False, help_text="Leer: das Einkommen fließt weiter zu."
    )
    brutto = forms.DecimalField(
        label="Betrag brutto (€/Monat)",
        max_digits=12,
        decimal_places=2,
        error_messages={"required": "Bitte den Bruttobetrag eintragen."},
    )
    netto = forms.DecimalField(
        label="Betrag netto (€/Monat)",
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text="Leer: wie brutto (z. B. Unterhalt, Rente).",
    )
    absetzbetraege = forms.DecimalField(
        label="nachgewiesene Absetzbeträge (€/Monat)",
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text="§ 11b Abs. 1 S. 1 Nr. 3–5 SGB II",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _geldfelder_deutsch(self)


class ZahllaufForm(KernFormMixin, forms.Form):
    """The month of a payment run, for its preview."""

    monat = MonatsFeld(
        label="Zahlmonat",
        help_text="Format MM.JJJJ, z. B. 01.2027 für die Zahlung für Januar 2027",
        error_messages={"required": "Bitte den Zahlmonat angeben, z. B. 01.2027."},
    )


class ZahllaufStartForm(KernFormMixin, forms.Form):
    """The confirmation of a previewed run: month and stamp of the preview, and the warning if any."""

    monat = MonatsFeld(widget=forms.HiddenInput)
    pruefwert = forms.CharField(widget=forms.HiddenInput, max_length=64)
    fehlende_bestaetigt = forms.BooleanField(
        label="Ja, die Monate ohne Zahllauf sollen mit diesem Lauf nachgezahlt werden.", required=False
    )
