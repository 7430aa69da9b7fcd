"""The calculation trace of one BG (CONTRACT §6, STYLE §3.7) and its rendering as German text.

A trace is a JSON-ready dict `{"bg_id", "stichtag", "parameter_stand", "steps": [...]}`. Each step has
`name`, `key` (`name<YYYY-MM>`), `p_id` (None for BG or parameter steps), `value`, `unit`
("EUR", "ratio" for dimensionless numbers such as the Regelbedarfsstufe, or "bool"), `rule` (the norm)
and `formula` (the rule in German words). Steps come in calculation order. Summing the person steps of
an output column reproduces the BG output row.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np

from . import regeln
from .parameter import PARAMETER

_NORM = re.compile(r"§§?\s[^;:()]*?(?:SGB II|SGB IV|SGB XII|EStG|Bürgergeld-V)")

#: Parameter fields shown in the trace: (parameter key, field, label, unit).
_PARAMETER_SCHRITTE = [
    *[("regelbedarf", f"rbs_{i}", f"Regelbedarf Stufe {i}", "EUR") for i in range(1, 7)],
    ("kindersofortzuschlag", "wert", "Kindersofortzuschlag", "EUR"),
    ("kindergeld", "wert", "Kindergeld je Kind", "EUR"),
    ("grundfreibetrag", "betrag", "Grundfreibetrag", "EUR"),
    ("grundfreibetrag", "schwelle_nachweis", "Schwelle für höhere nachgewiesene Absetzbeträge", "EUR"),
    (
        "erwerbstaetigenfreibetrag",
        "obergrenze_ohne_kind",
        "Obergrenze Erwerbstätigenfreibetrag ohne Kind",
        "EUR",
    ),
    (
        "erwerbstaetigenfreibetrag",
        "obergrenze_mit_kind",
        "Obergrenze Erwerbstätigenfreibetrag mit Kind",
        "EUR",
    ),
    ("geringfuegigkeitsgrenze", "wert", "Geringfügigkeitsgrenze", "EUR"),
    ("versicherungspauschale", "wert", "Versicherungspauschale", "EUR"),
]

#: Per-person steps before the distribution: (rule or input name, label, only when non-zero).
_PERSON_VORHER = [
    ("regelbedarfsstufe", "Regelbedarfsstufe", False),
    ("regelbedarf_m", "Regelbedarf", False),
    ("kindersofortzuschlag_m", "Kindersofortzuschlag", True),
    ("mehrbedarf_schwangerschaft_m", "Mehrbedarf Schwangerschaft", True),
    ("mehrbedarf_alleinerziehend_m", "Mehrbedarf Alleinerziehung", True),
    ("mehrbedarf_behinderung_m", "Mehrbedarf Behinderung", True),
    ("mehrbedarf_ernaehrung_m", "Mehrbedarf kostenaufwändige Ernährung", True),
    ("mehrbedarf_unabweisbar_m", "Mehrbedarf unabweisbarer Bedarf", True),
    ("mehrbedarf_warmwasser_m", "Mehrbedarf dezentrale Warmwassererzeugung", True),
    ("mehrbedarf_gesamt_m", "Mehrbedarfe nach Deckelung", False),
    ("kdu_regel_hh", "angewandte Regel für Unterkunft und Heizung", False),
    ("kdu_unterkunft_anerkannt_m_hh", "anerkannte Bruttokaltmiete des Haushalts", False),
    ("kdu_heizung_anerkannt_m_hh", "anerkannte Heizkosten des Haushalts", False),
    ("kdu_anerkannt_m_hh", "anerkannte Unterkunft und Heizung des Haushalts", False),
    ("kdu_anerkannt_m", "Kopfteil Unterkunft und Heizung", False),
    ("gesamtbedarf_m", "Gesamtbedarf", False),
    ("bedarf_anteilig_m", "Bedarf für die Anspruchstage", False),
    ("erwerbseinkommen_brutto_m", "Erwerbseinkommen brutto", True),
    ("erwerbseinkommen_netto_m", "Erwerbseinkommen netto", True),
    ("grundfreibetrag_m", "Grundfreibetrag", True),
    ("erwerbstaetigenfreibetrag_m", "Erwerbstätigenfreibetrag", True),
    ("freibetrag_erwerb_m", "Freibeträge auf Erwerbseinkommen", True),
    ("erwerbseinkommen_anrechenbar_m", "anrechenbares Erwerbseinkommen", True),
    ("unterhalt_m", "Unterhalt", True),
    ("unterhaltsvorschuss_m", "Unterhaltsvorschuss", True),
    ("rente_m", "Rente", True),
    ("alg1_m", "Arbeitslosengeld", True),
    ("sonstiges_einkommen_m", "sonstiges Einkommen", True),
    ("kindergeld_m", "Kindergeld für die Person", True),
    ("kindergeld_angerechnet_m", "Kindergeld als Einkommen der Person", True),
    ("kindergeld_ueberhang_m", "nicht benötigtes Kindergeld an den Empfänger", True),
    ("kindergeld_ueberhang_erhalten_m", "erhaltener Kindergeldüberhang", True),
    ("versicherungspauschale_m", "Versicherungspauschale", True),
    ("einkommen_bereinigt_m", "bereinigtes Einkommen", False),
    ("kind_der_bg", "Kind der BG", False),
    ("bg_mitglied", "Mitglied der BG", False),
]
_BG_SCHRITTE = [
    ("anzahl_mitglieder_bg", "Mitglieder der BG"),
    ("vermoegen_bg", "Vermögen der BG"),
    ("vermoegensfreibetrag_bg", "Vermögensfreibetrag der BG"),
    ("vermoegen_ueber_freibetrag_bg", "Vermögen über dem Freibetrag (kein Anspruch)"),
    ("ungedeckter_bedarf_m_bg", "R: ungedeckter Bedarf der Mitglieder"),
    ("einkommen_pool_m_bg", "E_pool: Einkommen der übrigen Mitglieder"),
]
_PERSON_NACHHER = [
    ("ungedeckter_bedarf_m", "ungedeckter Bedarf"),
    ("bedarfsanteil", "Bedarfsanteil"),
    ("anspruch_m", "Anspruch nach Bedarfsanteil"),
    ("wegfall_m", "Wegfall wegen Nichterreichbarkeit"),
    ("leistungsanspruch_m", "Leistungsanspruch"),
    ("minderung_m", "Minderung"),
    ("zahlbetrag_m", "Zahlbetrag"),
]
_EINGABEN = {
    "unterhalt_m": ("§ 11 Abs. 1 SGB II", "Unterhaltszahlungen (Eingabe)"),
    "unterhaltsvorschuss_m": (
        "§ 11 Abs. 1 SGB II",
        "Leistungen nach dem Unterhaltsvorschussgesetz (Eingabe)",
    ),
    "rente_m": ("§ 11 Abs. 1 SGB II", "Renten nach eigenen Kranken- und Pflegebeiträgen (Eingabe)"),
    "alg1_m": ("§ 11 Abs. 1 SGB II", "Arbeitslosengeld nach dem SGB III (Eingabe)"),
    "sonstiges_einkommen_m": ("§ 11 Abs. 1 SGB II", "sonstiges anrechenbares Einkommen (Eingabe)"),
}
_KDU_REGEL = {
    1: "§ 22 Abs. 1 S. 7 SGB II (Kostensenkungsverfahren läuft: tatsächliche Kosten)",
    2: "§ 22 Abs. 1 S. 2 bis 5 SGB II (Karenzzeit: Unterkunft tatsächlich, Heizung angemessen)",
    3: "§ 22 Abs. 10 SGB II (Gesamtangemessenheitsgrenze)",
    4: "§ 22 Abs. 1 S. 1 SGB II (örtliche Angemessenheitsgrenzen)",
}
LABEL = {name: label for name, label, *_ in _PERSON_VORHER + _BG_SCHRITTE + _PERSON_NACHHER}


def _norm(text: str) -> str:
    treffer = _NORM.search(text)
    return treffer.group(0) if treffer else text


def parameter_stand(stichtag: dt.date | str) -> str:
    """Name the law applied on `stichtag`.

    E.g. "Buergergeld 2026-01-01" or "Grundsicherungsgeld 2026-07-01".
    """
    if isinstance(stichtag, str):
        stichtag = dt.date.fromisoformat(stichtag)
    beginn = max(
        [w.gueltig_ab for p in PARAMETER.values() for w in p.values if w.gueltig_ab <= stichtag]
        + [r.gueltig_ab for r in regeln.REGELN if r.gueltig_ab <= stichtag]
    )
    return f"{PARAMETER['rechtsstand'].am(stichtag).leistung} {beginn.isoformat()}"


def _wert(einheit: str, roh: Any) -> Any:
    if einheit == "EUR":
        return round(int(roh) / 100.0, 2)
    if einheit == "bool":
        return bool(roh)
    if einheit == "ratio" and isinstance(roh, float | np.floating):
        return round(float(roh), 6)
    return int(roh)


def baue_trace(ctx: dict[str, Any], stichtag: dt.date, bg_id: int) -> dict[str, Any]:
    """Return the trace of BG `bg_id` from a computed context (see module docstring)."""
    bg_ids = ctx["bg_ids"]
    code = int(np.searchsorted(bg_ids, bg_id))
    if code >= len(bg_ids) or bg_ids[code] != bg_id:
        raise KeyError(f"BG {bg_id} is not in the input")
    aktiv = regeln.regeln_am(stichtag)
    periode = f"{stichtag:%Y-%m}"
    zeilen = np.flatnonzero(ctx["bg_idx"] == code)
    zeilen = zeilen[np.argsort(ctx["p_id"][zeilen], kind="stable")]
    steps: list[dict[str, Any]] = []

    def schritt(
        name: str, p_id: int | None, roh: Any, einheit: str, rule: str, formula: str, label: str
    ) -> None:
        key = f"{name}<{periode}>" if p_id is None else f"{name}<{periode}>[{p_id}]"
        steps.append(
            {
                "name": name,
                "key": key,
                "p_id": p_id,
                "value": _wert(einheit, roh),
                "unit": einheit,
                "rule": rule,
                "formula": formula,
                "label": label,
            }
        )

    for key, feld, label, einheit in _PARAMETER_SCHRITTE:
        p = PARAMETER[key]
        wert = p.am(stichtag)
        schritt(
            f"parameter.{key}.{feld}",
            None,
            round(wert[feld] * 100),
            einheit,
            _norm(p.description["de"]),
            f"Parameter ({wert.reference})",
            label,
        )
    freibetrag = PARAMETER["erwerbstaetigenfreibetrag"].am(stichtag)
    for stufe in freibetrag.stufen:
        schritt(
            f"parameter.erwerbstaetigenfreibetrag.promille_ab_{int(stufe['ab'])}",
            None,
            stufe["promille"] / 1000,
            "ratio",
            "§ 11b Abs. 3 SGB II",
            f"Parameter ({freibetrag.reference})",
            f"Erwerbstätigenfreibetrag: Satz ab {int(stufe['ab'])} €",
        )
    vermoegen = PARAMETER["vermoegensfreibetrag"].am(stichtag)
    for feld, wert in vermoegen.felder.items():
        if isinstance(wert, float | int) and not isinstance(wert, bool):
            schritt(
                f"parameter.vermoegensfreibetrag.{feld}",
                None,
                round(wert * 100),
                "EUR",
                "§ 12 Abs. 2 und 3 SGB II",
                f"Parameter ({vermoegen.reference})",
                f"Vermögensfreibetrag ({feld})",
            )
    for stufe in vermoegen.felder.get("stufen", []):
        schritt(
            f"parameter.vermoegensfreibetrag.bis_alter_{stufe['bis_alter']}",
            None,
            round(stufe["betrag"] * 100),
            "EUR",
            "§ 12 Abs. 2 SGB II idF 13. SGB II-ÄndG",
            f"Parameter ({vermoegen.reference})",
            f"Vermögensfreibetrag bis Alter {stufe['bis_alter']}",
        )

    def regel_schritt(
        name: str, label: str, zeile: int | None, p_id: int | None, code_bg: int | None = None
    ) -> None:
        if name in aktiv:
            regel = aktiv[name]
            einheit = {"int": "ratio"}.get(regel.einheit, regel.einheit)
            rule, formula = regel.reference, regel.formula
        else:
            einheit, (rule, formula) = "EUR", _EINGABEN[name]
        werte = ctx[name]
        if name.endswith("_hh"):
            roh = werte[ctx["hh_idx"][zeile]]
        elif zeile is None:
            roh = werte[code_bg]
        elif name == "kinder_alleinerziehend":
            roh = werte[0][zeile]
        else:
            roh = werte[zeile]
        if name == "kdu_regel_hh":
            rule = _KDU_REGEL[int(roh)]
        if name == "vermoegensfreibetrag_bg" and "karenzzeit_erste_person" in vermoegen.felder:
            karenz = not ctx["karenzzeit_abgelaufen_hh"][ctx["hh_der_bg"][code_bg]]
            rule = (
                "§ 12 Abs. 3 S. 1 SGB II (Karenzzeit)"
                if karenz
                else "§ 12 Abs. 2 S. 1 SGB II (nach der Karenzzeit)"
            )
        schritt(name, p_id, roh, einheit, rule, formula, label)

    for zeile in zeilen:
        p_id = int(ctx["p_id"][zeile])
        for name, label, nur_wenn_gesetzt in _PERSON_VORHER:
            if nur_wenn_gesetzt and not ctx[name][zeile]:
                continue
            regel_schritt(name, label, int(zeile), p_id)
    for name, label in _BG_SCHRITTE:
        regel_schritt(name, label, None, None, code)
    for zeile in zeilen:
        p_id = int(ctx["p_id"][zeile])
        for name, label in _PERSON_NACHHER:
            regel_schritt(name, label, int(zeile), p_id)
    return {
        "bg_id": int(bg_id),
        "stichtag": stichtag.isoformat(),
        "parameter_stand": parameter_stand(stichtag),
        "steps": steps,
    }


def _euro(wert: float) -> str:
    text = f"{wert:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") + " €"


def trace_als_text(trace: dict[str, Any]) -> str:
    """Render a trace as readable German lines, one per step, each with its § (for the Bescheid)."""
    zeilen = [
        f"Berechnung für Bedarfsgemeinschaft {trace['bg_id']}, Monat des Stichtags {trace['stichtag']} "
        f"(Rechtsstand: {trace['parameter_stand']})"
    ]
    for step in trace["steps"]:
        wer = (
            "Parameter"
            if step["name"].startswith("parameter.")
            else (f"Person {step['p_id']}" if step["p_id"] is not None else "Bedarfsgemeinschaft")
        )
        wert = step["value"]
        if step["unit"] == "EUR":
            text = _euro(wert)
        elif step["unit"] == "bool":
            text = "ja" if wert else "nein"
        elif isinstance(wert, float):
            text = f"{wert:.6f}".replace(".", ",")
        else:
            text = str(wert)
        zeilen.append(f"{wer}: {step['label']} = {text} — {step['rule']}")
    return "\n".join(zeilen)
