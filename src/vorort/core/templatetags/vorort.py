"""German formats for templates: amounts, dates, masked IBANs, ages.

`{{ betrag|euro }}` renders `1.234,56 €`; `{{ datum|datum }}` renders `24.12.2026`, `{{ m|monat }}` `03.2026`.
Django's `date` filter with `SHORT_DATE_FORMAT` would give `24.12.2026` too, but one filter name
for every date keeps templates uniform and also accepts `None` (rendered as "—").
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms, template
from django.utils import timezone

from vorort.core.datum import datum_de, monat_de

register = template.Library()

LEER = "—"


@register.filter
def euro(value) -> str:
    """Format an amount the German way: 1234.5 -> "1.234,50 €" (non-breaking space before €)."""
    if value is None or value == "":
        return LEER
    try:
        betrag = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    vorzeichen = "-" if betrag < 0 else ""
    euros, cents = f"{abs(betrag):.2f}".split(".")
    gruppen = f"{int(euros):,}".replace(",", ".")
    return f"{vorzeichen}{gruppen},{cents}\u00a0€"


@register.filter
def datum(value) -> str:
    """Format a date (or datetime, in local time) as TT.MM.JJJJ."""
    if value is None or value == "":
        return LEER
    if isinstance(value, date):
        return datum_de(value)
    return str(value)


@register.filter
def monat(value) -> str:
    """Format a month as MM.JJJJ: a date, or a month key "2026-03" as stored in a Berechnung."""
    if value is None or value == "":
        return LEER
    if isinstance(value, str):
        try:
            value = date.fromisoformat(f"{value}-01")
        except ValueError:
            return value
    return monat_de(value)


@register.filter
def zeitpunkt(value) -> str:
    """Format a datetime in Europe/Berlin as TT.MM.JJJJ HH:MM."""
    if not value:
        return LEER
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


@register.filter
def iban_maskiert(value: str) -> str:
    """Show only country code and the last four digits: DE•• •••• … 0106."""
    if not value:
        return LEER
    compact = "".join(str(value).split())
    return f"{compact[:2]}•• •••• •••• •••• {compact[-4:]}"


@register.filter
def alter(geburtsdatum: date) -> int | str:
    """Age in full years today (Europe/Berlin)."""
    if not geburtsdatum:
        return LEER
    heute = timezone.localdate()
    return (
        heute.year - geburtsdatum.year - ((heute.month, heute.day) < (geburtsdatum.month, geburtsdatum.day))
    )


@register.filter
def ja_nein(value) -> str:
    return "ja" if value else "nein"


@register.inclusion_tag("includes/feld.html")
def feld(field, hinweis: str = ""):
    """Render one form field the KERN way: label, hint, input, and the error message next to it.

    Hint and error are linked with `aria-describedby`, an invalid field gets `aria-invalid`, so a
    screen reader announces what is wrong when the field gets focus.
    """
    hinweis = hinweis or field.help_text
    beschrieben_von = []
    if hinweis:
        beschrieben_von.append(f"{field.auto_id}-hinweis")
    if field.errors:
        beschrieben_von.append(f"{field.auto_id}-fehler")
    attrs = {}
    if beschrieben_von:
        attrs["aria-describedby"] = " ".join(beschrieben_von)
    if field.errors:
        attrs["aria-invalid"] = "true"
        klasse = field.field.widget.attrs.get("class", "")
        if "kern-form-input__input" in klasse:
            attrs["class"] = f"{klasse} kern-form-input__input--error"
        elif "kern-form-input__select" in klasse:
            attrs["class"] = f"{klasse} kern-form-input__select--error"
    art = _art(field.field.widget)
    return {
        "field": field,
        "hinweis": hinweis,
        "art": art,
        "widget": field.as_widget(attrs=attrs) if art != "mehrfach" else "",
        "beschrieben_von": " ".join(beschrieben_von),
    }


def _art(widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return "mehrfach"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"
