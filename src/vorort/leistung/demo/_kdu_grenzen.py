"""The Mandant's KdU limits per municipality and household size (§ 22 Abs. 1 SGB II)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from vorort.demo.registry import DemoContext
from vorort.leistung.models import KdUGrenze


def kdu_grenzen(context: DemoContext) -> dict[tuple[str, int], tuple[float, float]]:
    """Write the Mandant's KdU limits; return {(AGS, size 1..5): (Bruttokaltmiete, Heizkosten)}.

    Heating: the profile caps actual costs at the Heizspiegel's "zu hoch" column; the limit per size
    is the cap for gas heating times the floor area recognised for that size.
    """
    kdu = context.profile["kdu"]
    ab = date.fromisoformat(kdu["valid_from"])
    flaeche = kdu["floor_area_m2"]
    heiz_qm = kdu["heating_cap_eur_per_m2_month"]["gas"]
    grenzen, zeilen = {}, []
    for g in context.gemeinden:
        ags = g.get("ags", "")
        if not ags:
            continue
        tabelle = kdu["vergleichsraeume"][g["vergleichsraum"]]["bruttokaltmiete_max_eur"]
        for groesse in range(1, 6):
            miete = float(tabelle[groesse])
            heizung = round(heiz_qm * flaeche[groesse], 2)
            grenzen[(ags, groesse)] = (miete, heizung)
            zeilen.append(
                KdUGrenze(
                    mandant=context.mandant,
                    gemeinde_ags=ags,
                    vergleichsraum=g["vergleichsraum"],
                    haushaltsgroesse=groesse,
                    bruttokaltmiete_max=Decimal(f"{miete:.2f}"),
                    heizkosten_max=Decimal(f"{heizung:.2f}"),
                    je_weitere_person=Decimal(f"{tabelle['each_further']:.2f}") if groesse == 5 else None,
                    gueltig_ab=ab,
                    quelle=f"{kdu['guideline']}, gültig ab {ab:%d.%m.%Y}",
                )
            )
        # Each person beyond five (the last row's Zuschlag) and 10 m² more floor area.
        grenzen[(ags, 6)] = (float(tabelle["each_further"]), round(heiz_qm * flaeche["each_further"], 2))
    KdUGrenze.objects.bulk_create(zeilen)
    context.zaehler["kdu_grenzen"] = len(zeilen)
    return grenzen
