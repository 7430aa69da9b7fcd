"""Template helpers of the person screens."""

from __future__ import annotations

from django import template

from vorort.core.datum import datum_de

register = template.Library()


@register.filter
def gueltig(eintrag) -> str:
    """The validity period of an effective-dated row: "seit 01.01.2024" or "01.01.2024 – 31.03.2025"."""
    if eintrag.gueltig_bis is None:
        return f"seit {datum_de(eintrag.gueltig_ab)}"
    return f"{datum_de(eintrag.gueltig_ab)} – {datum_de(eintrag.gueltig_bis)}"


@register.filter
def elb_nef(mitgliedschaft) -> str:
    """eLb (erwerbsfähig leistungsberechtigt, § 7 Abs. 1 SGB II) or nEf (nicht erwerbsfähig)."""
    return "eLb" if mitgliedschaft.erwerbsfaehig else "nEf"
