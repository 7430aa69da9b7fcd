"""The stored trace of a Berechnung (CONTRACT §6) as readable German rows with their § citations.

The letter shows the steps a person needs to follow the amount (`kurz=True`); the calculation
screen shows every step with its formula. Nothing is recomputed: the rows come from the trace.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "kdu_anerkannt_m": ("Ihr Anteil an Unterkunft und Heizung (nach Köpfen)", False),
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


def _wert(step: dict) -> str:
    if step["unit"] == "EUR":
        return euro(float(step["value"]))
    if step["unit"] == "bool":
        return "ja" if step["value"] else "nein"
    if isinstance(step["value"], float) and not float(step["value"]).is_integer():
        return f"{step['value']:.6f}".replace(".", ",")
    return str(int(step["value"])) if isinstance(step["value"], (int, float)) else str(step["value"])


def erklaerung(trace: dict, namen: dict[int, str], *, kurz: bool = True) -> list[Zeile]:
    """Rows of the trace in calculation order; `namen` maps p_id to the person's name."""
    zeilen = []
    gesehen_hh = False
    for step in trace["steps"]:
        name = step["name"]
        p_id = step.get("p_id")
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
        else:
            text = step.get("label") or name
        wer = namen.get(p_id, f"Person {p_id}") if p_id is not None else "Bedarfsgemeinschaft"
        if name.startswith("parameter."):
            wer = "Rechtsstand"
        zeilen.append(
            Zeile(
                wer=wer,
                text=text,
                wert=_wert(step),
                norm=step.get("rule", ""),
                formel=step.get("formula", ""),
                p_id=p_id,
            )
        )
    return zeilen
