"""Turn an Antrag's recorded facts into the law engine's input rows (CONTRACT §2), month by month.

This is the one place that knows how a fact in the Antrag becomes an engine column; the demo and
the benchmark build the same columns vectorised (`leistung.demo`).
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from vorort import recht
from vorort.leistung.models import Antrag, Einkommen, KdUGrenze

CENT = Decimal("0.01")


def monatsanfang(tag: date) -> date:
    return tag.replace(day=1)


def plus_monate(monat: date, anzahl: int) -> date:
    index = monat.year * 12 + monat.month - 1 + anzahl
    return date(index // 12, index % 12 + 1, 1)


def monatsende(monat: date) -> date:
    return monat.replace(day=calendar.monthrange(monat.year, monat.month)[1])


def monate(von: date, bis: date) -> list[date]:
    result, monat = [], monatsanfang(von)
    while monat <= bis:
        result.append(monat)
        monat = plus_monate(monat, 1)
    return result


def runde(betrag: Decimal) -> Decimal:
    """§ 41 Abs. 2 SGB II: to the cent, half away from zero."""
    return Decimal(betrag).quantize(CENT, rounding=ROUND_HALF_UP)


def anspruchstage(leistungsbeginn: date, monat: date) -> int:
    """Days of entitlement in `monat` (§ 41 Abs. 1 S. 2–3 SGB II: a whole month counts 30 days)."""
    if monat_key(leistungsbeginn) != monat_key(monat) or leistungsbeginn.day == 1:
        return 30
    tage = calendar.monthrange(monat.year, monat.month)[1] - leistungsbeginn.day + 1
    return min(30, tage)


def rechtsstand(monat: date) -> date:
    """The Stichtag whose law computes `monat`: the month itself, or the last month the engine knows.

    A Bewilligungszeitraum may reach beyond the parameters published so far (e.g. a grant from
    November 2026 runs into 2027). Those months are computed with the law last in force and the
    facts of the month itself (ages, Karenzzeit); a later change of the law is an Änderungsbescheid
    (§ 40 Abs. 1 SGB II, § 48 SGB X), as in practice.
    """
    return min(monat, monatsanfang(recht.LETZTER_STICHTAG))


def monat_key(monat: date) -> str:
    return f"{monat:%Y-%m}"


def karenzzeit_abgelaufen(beginn: date, monat: date) -> bool:
    """The first 12 months of receipt are the Karenzzeit (§ 22 Abs. 1 S. 2, § 12 Abs. 3 SGB II)."""
    return monat >= plus_monate(monatsanfang(beginn), 12)


def kdu_grenze(mandant_id: int, gemeinde_ags: str, haushaltsgroesse: int, stichtag: date) -> KdUGrenze | None:
    """The local limit row in force for the household size, or None when the Mandant has none."""
    zeilen = (
        KdUGrenze.objects.filter(mandant_id=mandant_id, gemeinde_ags=gemeinde_ags, gueltig_ab__lte=stichtag)
        .filter(Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=stichtag))
        .filter(haushaltsgroesse__lte=haushaltsgroesse)
        .order_by("-haushaltsgroesse", "-gueltig_ab")
    )
    return zeilen.first()


def grenzen_fuer(grenze: KdUGrenze | None, haushaltsgroesse: int) -> dict[str, float | None]:
    if grenze is None:
        return {
            "grenze_bruttokaltmiete_m_hh": None,
            "grenze_heizkosten_m_hh": None,
            "grenze_gesamt_m_hh": None,
        }
    miete = grenze.bruttokaltmiete_max
    if haushaltsgroesse > grenze.haushaltsgroesse and grenze.je_weitere_person:
        miete += (haushaltsgroesse - grenze.haushaltsgroesse) * grenze.je_weitere_person
    return {
        "grenze_bruttokaltmiete_m_hh": float(miete),
        "grenze_heizkosten_m_hh": float(grenze.heizkosten_max) if grenze.heizkosten_max is not None else None,
        "grenze_gesamt_m_hh": float(grenze.gesamt_max) if grenze.gesamt_max is not None else None,
    }


_EINKOMMEN_SPALTE = {
    Einkommen.Art.UNTERHALT: "unterhalt_m",
    Einkommen.Art.UNTERHALTSVORSCHUSS: "unterhaltsvorschuss_m",
    Einkommen.Art.RENTE: "rente_m",
    Einkommen.Art.ALG1: "alg1_m",
    Einkommen.Art.SONSTIGES: "sonstiges_einkommen_m",
}


def alter_am(geburtsdatum: date, stichtag: date) -> int:
    return (
        stichtag.year
        - geburtsdatum.year
        - ((stichtag.month, stichtag.day) < (geburtsdatum.month, geburtsdatum.day))
    )


def zeilen_fuer_monat(antrag: Antrag, monat: date) -> list[dict]:
    """The engine rows of the Antrag's persons for one month (Stichtag: the first of the month).

    Simplification: the household is the BG; persons of the dwelling outside the BG are not
    recorded in the Antrag, so the Kopfteil is taken over the BG's persons (docs/leistung.md).
    """
    personen = list(antrag.personen.select_related("person").order_by("person_id"))
    einkommen = list(antrag.einkommen.all())
    bg = antrag.bedarfsgemeinschaft
    beginn = bg.leistungsbezug_seit or antrag.leistungsbeginn
    grenze = kdu_grenze(antrag.mandant_id, antrag.gemeinde_ags, len(personen), monat)
    haushalt = {
        "kaltmiete_m_hh": float(antrag.kaltmiete_m),
        "heizkosten_m_hh": float(antrag.heizkosten_m),
        "warmwasser_dezentral_hh": antrag.warmwasser_dezentral,
        "kostensenkung_laeuft_hh": antrag.kostensenkung_laeuft,
        "karenzzeit_abgelaufen": karenzzeit_abgelaufen(beginn, monat),
        **grenzen_fuer(grenze, len(personen)),
    }
    zeilen = []
    for ap in personen:
        zeile = {
            "bg_id": bg.pk,
            "hh_id": bg.haushalt_id,
            "p_id": ap.person_id,
            "alter": alter_am(ap.person.geburtsdatum, monat),
            "p_id_partner": ap.partner_id or -1,
            "p_id_elternteil_1": ap.elternteil_1_id or -1,
            "p_id_elternteil_2": ap.elternteil_2_id or -1,
            "p_id_kindergeld_empfaenger": ap.kindergeld_empfaenger_id or -1,
            "alleinerziehend": ap.alleinerziehend,
            "schueler_student_azubi": ap.schueler_student_azubi,
            "schwanger_ab_13_woche": ap.schwanger_ab_13_woche,
            "mehrbedarf_behinderung": ap.mehrbedarf_behinderung,
            "mehrbedarf_ernaehrung_m": float(ap.mehrbedarf_ernaehrung_m),
            "mehrbedarf_unabweisbar_m": float(ap.mehrbedarf_unabweisbar_m),
            "vermoegen": float(ap.vermoegen),
            "anspruchstage": anspruchstage(antrag.leistungsbeginn, monat),
            "brutto_erwerb_m": 0.0,
            "netto_erwerb_m": 0.0,
            "absetzbetraege_erwerb_m": 0.0,
            "gewinn_selbststaendig_m": 0.0,
            "steuern_selbststaendig_m": 0.0,
            **{spalte: 0.0 for spalte in _EINKOMMEN_SPALTE.values()},
            **haushalt,
        }
        for e in einkommen:
            if e.person_id != ap.person_id or not e.gilt_im(monat):
                continue
            if e.art == Einkommen.Art.ERWERB:
                zeile["brutto_erwerb_m"] += float(e.brutto)
                zeile["netto_erwerb_m"] += float(e.netto)
                zeile["absetzbetraege_erwerb_m"] += float(e.absetzbetraege)
            elif e.art == Einkommen.Art.SELBSTSTAENDIG:
                zeile["gewinn_selbststaendig_m"] += float(e.brutto)
                zeile["steuern_selbststaendig_m"] += float(e.brutto - e.netto)
            else:
                zeile[_EINKOMMEN_SPALTE[e.art]] += float(e.netto)
        zeilen.append(zeile)
    return zeilen


def aufteilen(
    zahlbetrag: Decimal, regelbedarf: Decimal, mehrbedarf: Decimal, kdu: Decimal, tage: int = 30
) -> tuple[Decimal, Decimal, Decimal]:
    """Split a person's Zahlbetrag into Regelbedarf, Mehrbedarf and KdU parts.

    Income covers the needs of §§ 20, 21, 23 first, then those of § 22 (§ 19 Abs. 3 S. 2 SGB II),
    so the housing costs (for the days of entitlement, § 41 Abs. 1 SGB II) are paid first.

    >>> aufteilen(Decimal("600.00"), Decimal("563.00"), Decimal("0.00"), Decimal("450.00"))
    (Decimal('150.00'), Decimal('0.00'), Decimal('450.00'))
    """
    kdu_tage = runde(kdu * tage / 30) if tage != 30 else kdu
    kdu_teil = min(kdu_tage, zahlbetrag)
    rest = zahlbetrag - kdu_teil
    mehr_teil = min(mehrbedarf, rest)
    return rest - mehr_teil, mehr_teil, kdu_teil
