"""The registered part: the steps of the Mandant's benefit history, in order."""

from __future__ import annotations

from django.utils import timezone

from vorort.demo.registry import DemoContext, teil
from vorort.leistung.eingabe import monatsanfang, plus_monate
from vorort.leistung.models import (
    Antrag,
    AntragPerson,
    Berechnung,
    Bewilligung,
    Buchung,
    Einkommen,
    LeistungEinstellungen,
    Leistungsbetrag,
    Unterlage,
    Zahllauf,
    Zahlung,
)

from ._antraege import antraege_und_bewilligungen
from ._berechnungen import Ergebnisse, demo_login_bgs
from ._bestand import Bestand
from ._einfuegen import sequenzen_nachziehen
from ._kdu_grenzen import kdu_grenzen
from ._offene_arbeit import offene_antraege
from ._plan import plane
from ._schreiber import Schreiber, freigeber
from ._zahllaeufe import betraege_und_zahllaeufe

#: Months of history before the current month, each paid by a finished Zahllauf.
HISTORIE_MONATE = 24


@teil("leistung", order=300)
def leistungsgeschichte(context: DemoContext) -> None:
    """KdU limits, Anträge, Berechnungen, Bewilligungen, 24 Zahlläufe and the open work of the Mandant."""
    mandant = context.mandant
    LeistungEinstellungen.for_mandant(mandant)
    grenzen = kdu_grenzen(context)
    if context.bg_ids is None or len(context.bg_ids) == 0:
        return
    heute = timezone.localdate()
    aktuell = monatsanfang(heute)
    beginn = plus_monate(aktuell, -HISTORIE_MONATE)
    bestand = Bestand(context, grenzen)
    abschnitte, entwuerfe, freigaben = plane(context, bestand, aktuell, beginn)
    letzter = max(plus_monate(a.von, a.monate - 1) for a in abschnitte)
    ergebnisse = Ergebnisse.rechnen(
        context, bestand, beginn, letzter, demo_login_bgs(context, bestand), aktuell
    )

    schreiber = Schreiber(context, bestand, ergebnisse, timezone.now(), heute, aktuell)
    schreiber.freigeber = freigeber(context)
    antraege_und_bewilligungen(schreiber, abschnitte)
    offene_antraege(schreiber, entwuerfe)
    betraege_und_zahllaeufe(schreiber, abschnitte)
    sequenzen_nachziehen(
        [
            Antrag,
            AntragPerson,
            Einkommen,
            Unterlage,
            Berechnung,
            Bewilligung,
            Leistungsbetrag,
            Zahllauf,
            Zahlung,
            Buchung,
        ]
    )
    context.zaehler.update(schreiber.zaehler)
    context.zaehler["freigaben_offen"] = len(freigaben)
