"""The form fields for dates and months that every form of every app uses.

`DatumsFeld` takes TT.MM.JJJJ, `MonatsFeld` MM.JJJJ (rules in `core.datum`, decision 0303). Both
render as plain text inputs: a browser's date picker shows the browser's format, not the office's,
and cannot take a month typed as 3/2026. A typed value that cannot be read is shown again as typed.
"""

from __future__ import annotations

from datetime import date

from django import forms

from vorort.core.datum import datum_de, monat_de, parse_datum, parse_monat

#: Example dates of the hints; in the past, so no hint suggests a date that has not come yet.
BEISPIEL_DATUM = date(2025, 12, 24)
BEISPIEL_MONAT = date(2026, 3, 1)


class DatumsEingabe(forms.TextInput):
    """A text input showing a date as TT.MM.JJJJ."""

    def __init__(self, attrs: dict | None = None):
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        )

    def format_value(self, value):
        return datum_de(value) if isinstance(value, date) else super().format_value(value)


class MonatsEingabe(DatumsEingabe):
    """A text input showing a month as MM.JJJJ."""

    def format_value(self, value):
        return monat_de(value) if isinstance(value, date) else super().format_value(value)


class DatumsFeld(forms.Field):
    """A date typed as TT.MM.JJJJ; "31.02.1964" is refused as a day that does not exist.

    `nur_vergangenheit` is for dates that cannot lie ahead (a birth date): a two-digit year then
    means a past year. The hint's example is a past date; pass `beispiel` for a fitting one.
    """

    widget = DatumsEingabe
    default_error_messages = {"required": "Bitte geben Sie das Datum ein."}

    def __init__(self, *, nur_vergangenheit: bool = False, beispiel: date = BEISPIEL_DATUM, **kwargs):
        self.nur_vergangenheit = nur_vergangenheit
        kwargs.setdefault("help_text", f"Format TT.MM.JJJJ, z. B. {datum_de(beispiel)}")
        super().__init__(**kwargs)

    def to_python(self, value) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        return parse_datum(str(value), nur_vergangenheit=self.nur_vergangenheit)

    def prepare_value(self, value):
        return datum_de(value) if isinstance(value, date) else value


class MonatsFeld(forms.Field):
    """A month typed as MM.JJJJ (also 3/2026 or 03.26); cleaned to its first day."""

    widget = MonatsEingabe
    default_error_messages = {"required": "Bitte geben Sie den Monat ein."}

    def __init__(self, *, beispiel: date = BEISPIEL_MONAT, **kwargs):
        kwargs.setdefault("help_text", f"Format MM.JJJJ, z. B. {monat_de(beispiel)}")
        super().__init__(**kwargs)

    def to_python(self, value) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        return parse_monat(str(value))

    def prepare_value(self, value):
        return monat_de(value) if isinstance(value, date) else value


__all__ = ["DatumsEingabe", "DatumsFeld", "MonatsEingabe", "MonatsFeld"]
