"""Letters of the benefits department as tagged, accessible PDF (WeasyPrint, PDF/UA-1).

Each letter is an HTML template under `templates/leistung/briefe/` extending core's letter frame
(`briefe/_brief.html`, rendered by `vorort.core.pdf.render_pdf`);
the actions in `leistung.actions` file the PDF in the e-Akte with its checksum.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from vorort.core.datum import monat_lang
from vorort.core.pdf import render_pdf
from vorort.leistung.eingabe import monat_key, rechtsstand
from vorort.leistung.erklaerung import (
    LEISTUNGSNAMEN,
    erklaerung,
    erklaerung_aus_betraegen,
    euro,
    rechtsstand_text,
)
from vorort.leistung.models import Antrag, Bewilligung, Unterlage
from vorort.leistung.verfahrensrecht import bekanntgabe_tag
from vorort.personen.models import Bedarfsgemeinschaft, Person
from vorort.personen.models import Rolle as BgRolle
from vorort.personen.selectors import anschrift_of
from vorort.recht import PARAMETER
from vorort.recht.trace import parameter_stand


def empfaenger_person(bg: Bedarfsgemeinschaft) -> Person:
    """Whom the BG's letters are addressed to: the applicant, else the first member."""
    mitglied = (
        bg.mitgliedschaften.filter(rolle=BgRolle.ANTRAGSTELLER).select_related("person").first()
        or bg.mitgliedschaften.select_related("person").first()
    )
    return mitglied.person


def _empfaenger(antrag: Antrag, datum: date) -> dict:
    bg = antrag.bedarfsgemeinschaft
    name, zeilen, anrede = anschrift_of(empfaenger_person(bg), stichtag=datum, haushalt=bg.haushalt)
    return {"name": name, "zeilen": zeilen, "anrede": anrede}


def _basis(antrag: Antrag, betreff: str, datum: date | None = None) -> dict:
    """What every letter has: letterhead, addressee (address on the letter's date), date, file number."""
    datum = datum or timezone.localdate()
    return {
        "mandant": antrag.mandant,
        "empfaenger": _empfaenger(antrag, datum),
        "datum": datum,
        "aktenzeichen": antrag.bedarfsgemeinschaft.nummer,
        "betreff": betreff,
        "bearbeitung": antrag.bedarfsgemeinschaft.sachbearbeitung,
    }


def bescheid_kontext(bewilligung: Bewilligung, *, datum: date | None = None) -> dict:
    """The Bewilligungsbescheid's content, dated `datum` (default today).

    The explanation of the first month comes from the Berechnung's trace of that month; a Berechnung
    stored without it (the demo history keeps traces only for a few BGs, decision 0411) is explained
    from the amounts the decision fixed per person (`erklaerung_aus_betraegen`), with the same §.
    """
    antrag = bewilligung.antrag
    berechnung = bewilligung.berechnung
    namen = {ap.person_id: ap.person.name for ap in antrag.personen.select_related("person")}
    betraege = list(bewilligung.betraege.order_by("monat", "person_id"))
    monate: list[dict] = []
    for monat in sorted({b.monat for b in betraege}):
        zeilen = [b for b in betraege if b.monat == monat]
        personen = [
            {
                "name": namen.get(b.person_id, ""),
                "regelbedarf": euro(b.regelbedarf),
                "mehrbedarf": euro(b.mehrbedarf),
                "kdu": euro(b.kdu),
                "einkommen": euro(b.einkommen),
                "zahlbetrag": euro(b.zahlbetrag),
            }
            for b in zeilen
        ]
        # Months with the same amounts form one table ("März 2023 bis Dezember 2023"), as letters do.
        if monate and monate[-1]["personen"] == personen:
            monate[-1]["monat"] = f"{monat_lang(monate[-1]['ab'])} bis {monat_lang(monat)}"
            continue
        monate.append(
            {
                "ab": monat,
                "monat": monat_lang(monat),
                "personen": personen,
                "summe": euro(sum((b.zahlbetrag for b in zeilen), Decimal("0"))),
            }
        )
    trace = berechnung.traces.get(monat_key(bewilligung.von))
    if trace:
        schritte = erklaerung(trace, namen, kurz=True)
        stand = trace.get("parameter_stand", "")
    else:
        erste = [b for b in betraege if b.monat == bewilligung.von]
        schritte = erklaerung_aus_betraegen(erste, namen, rechtsstand(bewilligung.von))
        stand = parameter_stand(rechtsstand(bewilligung.von))
    kdu_vermieter = sum((b.auszahlung_kdu for b in betraege if b.monat == bewilligung.von), Decimal("0"))
    betreff = "Bewilligung von Leistungen zur Sicherung des Lebensunterhalts nach dem SGB II"
    basis = _basis(antrag, betreff, datum)
    return basis | {
        "bewilligung": bewilligung,
        "einzelperson": len(namen) == 1,
        "leistung": LEISTUNGSNAMEN[PARAMETER["rechtsstand"].am(bewilligung.von).leistung],
        "bekanntgabe_tag": bekanntgabe_tag(basis["datum"]),
        # A grant only favours: § 39 SGB II concerns decisions that withdraw, revoke or reduce.
        "ohne_aufschiebende_wirkung": "",
        "von": bewilligung.von,
        "bis": bewilligung.bis,
        "monate": monate,
        "erster_monat": monat_lang(bewilligung.von),
        "zahlbetrag_erster_monat": euro(bewilligung.zahlbetrag_monat),
        "erklaerung": schritte,
        "rechtsstand": rechtsstand_text(stand),
        "kdu_vermieter": euro(kdu_vermieter),
        "iban_kurz": f"{bewilligung.empfaenger_iban[:4]} … {bewilligung.empfaenger_iban[-4:]}",
    }


def render_bewilligungsbescheid(bewilligung: Bewilligung, *, datum: date | None = None) -> bytes:
    return render_pdf("leistung/briefe/bewilligungsbescheid.html", bescheid_kontext(bewilligung, datum=datum))


def render_unterlagenanforderung(antrag: Antrag, unterlagen: list[Unterlage]) -> bytes:
    kontext = _basis(antrag, "Ihr Antrag auf Leistungen nach dem SGB II – fehlende Unterlagen") | {
        "antrag": antrag,
        "unterlagen": unterlagen,
        "frist": min(u.frist for u in unterlagen),
    }
    return render_pdf("leistung/briefe/unterlagenanforderung.html", kontext)
