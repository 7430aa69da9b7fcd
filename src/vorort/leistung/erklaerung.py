"""The stored trace of a Berechnung (CONTRACT §6) as readable German rows with their § citations.

The letter shows the steps a person needs to follow the amount (`kurz=True`); the calculation
screen (Rechenweg) and the API show every step with its formula. Nothing is recomputed: the rows come
from the trace. The trace keeps the engine's notation (`R`, `E_pool`, ratios, field names, notes on the
law contract); the words a caseworker reads are made here, from the steps' stable names, so traces
stored before a wording changed read the same (decision 0431).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from vorort.recht.engine import MEHRBEDARFE
from vorort.recht.regeln import regeln_am

#: Steps shown in a letter, with the sentence used there; zero amounts are left out where marked.
BRIEF_SCHRITTE: dict[str, tuple[str, bool]] = {
    "regelbedarfsstufe": ("Regelbedarfsstufe", False),
    "regelbedarf_m": ("Regelbedarf", False),
    "kindersofortzuschlag_m": ("Kindersofortzuschlag", True),
    "mehrbedarf_schwangerschaft_m": ("Mehrbedarf bei Schwangerschaft", True),
    "mehrbedarf_alleinerziehend_m": ("Mehrbedarf für Alleinerziehende", True),
    "mehrbedarf_behinderung_m": ("Mehrbedarf bei Behinderung", True),
    "mehrbedarf_ernaehrung_m": ("Mehrbedarf für kostenaufwändige Ernährung", True),
    "mehrbedarf_unabweisbar_m": ("Mehrbedarf für einen unabweisbaren Bedarf", True),
    "mehrbedarf_warmwasser_m": ("Mehrbedarf für dezentrale Warmwassererzeugung", True),
    "kdu_anerkannt_m_hh": ("anerkannte Kosten für Unterkunft und Heizung der Wohnung", False),
    "kdu_anerkannt_m": ("Anteil an Unterkunft und Heizung (nach Köpfen)", False),
    "gesamtbedarf_m": ("Bedarf insgesamt", False),
    "erwerbseinkommen_brutto_m": ("Erwerbseinkommen brutto", True),
    "erwerbseinkommen_netto_m": ("Erwerbseinkommen netto", True),
    "freibetrag_erwerb_m": ("davon bleiben anrechnungsfrei", True),
    "kindergeld_angerechnet_m": ("Kindergeld, als Einkommen angerechnet", True),
    "einkommen_bereinigt_m": ("angerechnetes Einkommen", False),
    "leistungsanspruch_m": ("Leistungsanspruch", False),
    "minderung_m": ("Minderung", True),
    "zahlbetrag_m": ("Zahlbetrag", False),
}

#: Steps the full Rechenweg shows only where they count (an amount, a condition that holds): the engine
#: records every rule it runs (trace version 2), most of them zero for most people.
NUR_WENN_GESETZT = {
    "kindersofortzuschlag_m",
    "kinder_alleinerziehend",
    *MEHRBEDARFE,
    "minderjaehriges_kind_vorhanden",
    "erwerbseinkommen_brutto_m",
    "erwerbseinkommen_netto_m",
    "freibetrag_schueler_anwendbar",
    "grundfreibetrag_m",
    "erwerbstaetigenfreibetrag_m",
    "freibetrag_erwerb_m",
    "erwerbseinkommen_anrechenbar_m",
    "einkommen_sonstiges_m",
    "pauschale_berechtigt",
    "kindergeld_m",
    "kindergeld_zuordnung",
    "einkommen_ohne_kindergeld_m",
    "kind_deckt_bedarf",
    "kindergeld_angerechnet_m",
    "kindergeld_ueberhang_m",
    "kindergeld_ueberhang_erhalten_m",
    "versicherungspauschale_m",
}


#: Label and formula in words for the steps the engine writes in its shorthand (R, E_pool).
KLARTEXT: dict[str, tuple[str, str]] = {
    "ungedeckter_bedarf_m_bg": (
        "ungedeckter Bedarf der Bedarfsgemeinschaft",
        "Summe der ungedeckten Bedarfe aller Mitglieder",
    ),
    "einkommen_pool_m_bg": (
        "Einkommen der Bedarfsgemeinschaft",
        "Summe der Einkommen der Mitglieder, die nicht Kind der BG sind (das Einkommen eines Kindes "
        "deckt nur seinen eigenen Bedarf)",
    ),
    "bedarfsanteil": (
        "Anteil am ungedeckten Bedarf",
        "ungedeckter Bedarf der Person geteilt durch den ungedeckten Bedarf der Bedarfsgemeinschaft",
    ),
    "anspruch_m": (
        "Anspruch nach Bedarfsanteil",
        "ungedeckter Bedarf der Person minus ihr Anteil am Einkommen der Bedarfsgemeinschaft; kein Anspruch, "
        "wenn das Einkommen den ungedeckten Bedarf der Bedarfsgemeinschaft deckt oder das Vermögen den "
        "Freibetrag übersteigt",
    ),
}
#: The rules for housing costs by the number the engine gives them (`kdu_regel_hh`, § 22 SGB II).
KDU_REGELN = {
    1: "Kostensenkungsverfahren läuft",
    2: "Karenzzeit",
    3: "nach der Karenzzeit: Gesamtangemessenheitsgrenze",
    4: "nach der Karenzzeit: örtliche Grenzen",
}
_VERMOEGEN_FELDER = {
    "karenzzeit_erste_person": "in der Karenzzeit für die erste Person",
    "karenzzeit_weitere_person": "in der Karenzzeit für jede weitere Person",
    "nach_karenzzeit_je_person": "nach der Karenzzeit je Person",
}
_VERMOEGEN_FELD = re.compile(r"parameter\.vermoegensfreibetrag\.([a-z_]+)$")
_ALTERSSTUFE = re.compile(r"parameter\.vermoegensfreibetrag\.bis_alter_(\d+)$")
#: The age bound `recht/parameter/vermoegen.yaml` gives the last step: no upper bound.
_OHNE_OBERGRENZE = 999
_FREIBETRAG_STUFE = re.compile(r"parameter\.erwerbstaetigenfreibetrag\.promille_ab_(\d+)$")
#: Notes on the law contract inside a parameter's source: for the engine's maintainers, not for people.
_VERTRAGSHINWEIS = re.compile(r"\s*\([^()]*(?:CONTRACT|nicht verifiziert)[^()]*\)")


@dataclass(frozen=True)
class Zeile:
    wer: str
    text: str
    wert: str
    norm: str
    formel: str
    p_id: int | None


#: The benefit's name as the law engine's `rechtsstand` parameter spells it, and as people read it.
LEISTUNGSNAMEN = {"Buergergeld": "Bürgergeld", "Grundsicherungsgeld": "Grundsicherungsgeld"}


def rechtsstand_text(parameter_stand: str) -> str:
    """The engine's `parameter_stand` ("Buergergeld 2023-01-01") as a letter says it.

    >>> rechtsstand_text("Buergergeld 2023-01-01")
    'Bürgergeld, Stand 01.01.2023'
    """
    name, _, datum = parameter_stand.partition(" ")
    if len(datum) != 10:
        return parameter_stand
    jahr, monat, tag = datum.split("-")
    return f"{LEISTUNGSNAMEN.get(name, name)}, Stand {tag}.{monat}.{jahr}"


def euro(wert: float) -> str:
    text = f"{wert:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} €"


def prozent(anteil: float) -> str:
    """A share as people write it.

    >>> prozent(0.2), prozent(0.718325), prozent(1.0)
    ('20 %', '71,83 %', '100 %')
    """
    text = f"{anteil * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %"


def _wert(step: dict) -> str:
    if isinstance(step["value"], list):  # a rule with several results per person, e.g. counts of children
        return " / ".join(str(v) for v in step["value"])
    if step["unit"] == "EUR":
        return euro(float(step["value"]))
    if step["unit"] == "bool":
        return "ja" if step["value"] else "nein"
    if step["name"] == "kdu_regel_hh":
        return f"{step['value']} – {KDU_REGELN[int(step['value'])]}"
    if step["unit"] == "ratio" and isinstance(step["value"], float):
        return prozent(step["value"])
    return str(step["value"])


def _parameter_text(step: dict, vorige_altersgrenze: int | None) -> tuple[str, str]:
    """Label and formula of a law parameter's step, in words (age steps need the previous bound)."""
    name, text = step["name"], step.get("label") or step["name"]
    if treffer := _ALTERSSTUFE.match(name):
        bis = int(treffer.group(1))
        von = vorige_altersgrenze + 1 if vorige_altersgrenze is not None else None
        if bis == _OHNE_OBERGRENZE:
            alter = f"ab {von} Jahren" if von is not None else "jedes Alters"
        else:
            alter = f"von {von} bis {bis} Jahren" if von is not None else f"bis {bis} Jahre"
        text = f"Vermögensfreibetrag je Person {alter}"
    elif treffer := _FREIBETRAG_STUFE.match(name):
        text = f"Erwerbstätigenfreibetrag: Anteil des Bruttos ab {int(treffer.group(1)):,} €".replace(
            ",", "."
        )
    elif (treffer := _VERMOEGEN_FELD.match(name)) and treffer.group(1) in _VERMOEGEN_FELDER:
        text = f"Vermögensfreibetrag {_VERMOEGEN_FELDER[treffer.group(1)]}"
    formel = step.get("formula", "")
    if formel.startswith("Parameter (") and formel.endswith(")"):
        formel = "Wert nach " + _VERTRAGSHINWEIS.sub("", formel.removeprefix("Parameter (")[:-1])
    return text, formel


def _liste(wert) -> list:
    return wert if isinstance(wert, list) else [wert]


def erklaerung(trace: dict, namen: dict[int, str], *, kurz: bool = True) -> list[Zeile]:
    """Rows of the trace in calculation order; `namen` maps p_id to the person's name."""
    zeilen = []
    gesehen_hh = False
    altersgrenze: int | None = None
    for step in trace["steps"]:
        name = step["name"]
        p_id = step.get("p_id")
        formel = step.get("formula", "")
        if kurz:
            if name not in BRIEF_SCHRITTE:
                continue
            text, nur_wenn_betrag = BRIEF_SCHRITTE[name]
            if nur_wenn_betrag and not step["value"]:
                continue
            if name == "kdu_anerkannt_m_hh":
                if gesehen_hh:
                    continue
                gesehen_hh = True
                p_id = None
        elif name in NUR_WENN_GESETZT and not any(_liste(step["value"])):
            continue
        elif name.startswith("parameter."):
            text, formel = _parameter_text(step, altersgrenze)
            if treffer := _ALTERSSTUFE.match(name):
                altersgrenze = int(treffer.group(1))
        elif name in KLARTEXT:
            text, formel = KLARTEXT[name]
        else:
            text = step.get("label") or name
        wer = namen.get(p_id, f"Person {p_id}") if p_id is not None else "Bedarfsgemeinschaft"
        if name.startswith("parameter."):
            wer = "Rechtsstand"
        zeilen.append(
            Zeile(wer=wer, text=text, wert=_wert(step), norm=step.get("rule", ""), formel=formel, p_id=p_id)
        )
    return zeilen


#: Amounts a decision fixes per person and month (`Leistungsbetrag`), with the engine column whose
#: rule they come from, for a letter whose Berechnung was stored without its trace; zero amounts of
#: the marked ones are left out.
_BETRAG_SCHRITTE = [
    ("regelbedarf", "regelbedarf_m", "Regelbedarf", False),
    ("mehrbedarf", "mehrbedarf_gesamt_m", "Mehrbedarfe", True),
    ("kdu", "kdu_anerkannt_m", "Ihr Anteil an Unterkunft und Heizung (nach Köpfen)", False),
    ("bedarf", "gesamtbedarf_m", "Bedarf insgesamt", False),
    ("einkommen", "einkommen_bereinigt_m", "angerechnetes Einkommen", True),
    ("minderung", "minderung_m", "Minderung", True),
    ("zahlbetrag", "zahlbetrag_m", "Zahlbetrag", False),
]


def erklaerung_aus_betraegen(betraege, namen: dict[int, str], stichtag: date) -> list[Zeile]:
    """Rows for one month from the amounts a decision fixed per person (`Leistungsbetrag`).

    Used where the Berechnung keeps no trace for the month (compact demo history, decision 0411):
    fewer steps than `erklaerung`, the same § of the law in force on `stichtag`.
    """
    aktiv = regeln_am(stichtag)
    zeilen = []
    for b in betraege:
        werte = {
            "regelbedarf": b.regelbedarf,
            "mehrbedarf": b.mehrbedarf,
            "kdu": b.kdu,
            "bedarf": b.regelbedarf + b.mehrbedarf + b.kdu,
            "einkommen": b.einkommen,
            "minderung": b.minderung,
            "zahlbetrag": b.zahlbetrag,
        }
        for feld, spalte, text, nur_wenn_betrag in _BETRAG_SCHRITTE:
            if nur_wenn_betrag and not werte[feld]:
                continue
            regel = aktiv.get(spalte)
            zeilen.append(
                Zeile(
                    wer=namen.get(b.person_id, f"Person {b.person_id}"),
                    text=text,
                    wert=euro(float(werte[feld])),
                    norm=regel.reference if regel else "",
                    formel=regel.formula if regel else "",
                    p_id=b.person_id,
                )
            )
    return zeilen


#: What the Berechnung screen and the API say for a month stored without its trace (decision 0411).
OHNE_RECHENWEG = (
    "Für diesen Monat ist kein ausführlicher Rechenweg gespeichert (kompakt gespeicherte Berechnung, "
    "z. B. aus dem Altbestand); die Beträge je Person stehen in der Bewilligung."
)
