"""The trace of CONTRACT §6: required steps in order, JSON, sums reproduce the output, German text."""

from __future__ import annotations

import json

import pytest

from vorort.recht import compute, trace_als_text
from vorort.recht.engine import BG_SPALTEN

from .faelle import VERTRAG, lade

SUMMEN = {  # BG output column -> step summed over the members
    "regelbedarf_m": "regelbedarf_m",
    "kdu_anerkannt_m": "kdu_anerkannt_m",
    "gesamtbedarf_m": "gesamtbedarf_m",
    "einkommen_bereinigt_m": "einkommen_bereinigt_m",
    "leistungsanspruch_m": "leistungsanspruch_m",
    "minderung_m": "minderung_m",
    "zahlbetrag_m": "zahlbetrag_m",
    "wegfall_m": "wegfall_m",
    "bedarf_anteilig_m": "bedarf_anteilig_m",
    "mehrbedarf_gesamt_m": "mehrbedarf_gesamt_m",
}


@pytest.mark.parametrize(
    "datei",
    [
        "V25_kindergeldueberhang.yaml",
        "V45_teilmonat.yaml",
        "V60_nichterreichbarkeit.yaml",
        "V11_alleinerziehend.yaml",
        "V41_sanktion.yaml",
    ],
)
def test_trace_sums_reproduce_the_output_row(datei):
    fall = lade(VERTRAG / datei)
    ergebnis = compute(fall["persons"], str(fall["stichtag"]), trace_bg_ids=[1])
    trace = json.loads(json.dumps(ergebnis.traces[1]))
    assert set(trace) >= {"bg_id", "stichtag", "parameter_stand", "steps"}
    assert all(set(s) >= {"name", "p_id", "value", "unit", "rule"} for s in trace["steps"])
    assert all(s["unit"] in ("EUR", "ratio", "bool") for s in trace["steps"])
    assert all("§" in s["rule"] for s in trace["steps"])
    zeile = ergebnis.bg.row(0, named=True)
    mitglieder = {s["p_id"] for s in trace["steps"] if s["name"] == "bg_mitglied" and s["value"]}
    for spalte, schritt in SUMMEN.items():
        summe = sum(s["value"] for s in trace["steps"] if s["name"] == schritt and s["p_id"] in mitglieder)
        assert round(summe, 2) == pytest.approx(zeile[spalte]), spalte
    bg_schritte = {s["name"]: s["value"] for s in trace["steps"] if s["p_id"] is None}
    assert bg_schritte["vermoegensfreibetrag_bg"] == zeile["vermoegensfreibetrag_bg"]
    assert set(BG_SPALTEN) >= set(SUMMEN)


def test_trace_contains_the_required_steps_in_calculation_order():
    fall = lade(VERTRAG / "V25_kindergeldueberhang.yaml")
    trace = compute(fall["persons"], str(fall["stichtag"]), trace_bg_ids=[1]).traces[1]
    namen = [(s["name"], s["p_id"]) for s in trace["steps"]]
    reihenfolge = [
        ("parameter.regelbedarf.rbs_1", None),
        ("parameter.kindergeld.wert", None),
        ("regelbedarfsstufe", 1),
        ("regelbedarf_m", 1),
        ("mehrbedarf_alleinerziehend_m", 1),
        ("mehrbedarf_gesamt_m", 1),
        ("kdu_regel_hh", 1),
        ("kdu_anerkannt_m", 1),
        ("gesamtbedarf_m", 1),
        ("kindergeld_ueberhang_erhalten_m", 1),
        ("versicherungspauschale_m", 1),
        ("einkommen_bereinigt_m", 1),
        ("unterhalt_m", 2),
        ("bg_mitglied", 2),
        ("kindergeld_ueberhang_m", 2),
        ("vermoegen_bg", None),
        ("vermoegensfreibetrag_bg", None),
        ("ungedeckter_bedarf_m_bg", None),
        ("einkommen_pool_m_bg", None),
        ("bedarfsanteil", 1),
        ("anspruch_m", 1),
        ("wegfall_m", 1),
        ("minderung_m", 1),
        ("zahlbetrag_m", 1),
    ]
    positionen = [namen.index(schritt) for schritt in reihenfolge]
    assert positionen == sorted(positionen)
    werte = {(s["name"], s["p_id"]): s["value"] for s in trace["steps"]}
    # By hand (V25): 12 % of 563.00 = 67.56; surplus 255.00 - Pauschale 30.00 = 225.00; 980.56 - 225.00.
    assert werte[("mehrbedarf_alleinerziehend_m", 1)] == 67.56
    assert werte[("einkommen_bereinigt_m", 1)] == 225.00
    assert werte[("zahlbetrag_m", 1)] == 755.56
    assert werte[("bg_mitglied", 2)] is False
    assert trace["parameter_stand"] == "Buergergeld 2025-01-01"
    assert all(s["key"].startswith(s["name"] + "<2025-03>") for s in trace["steps"])


def test_trace_names_the_grundsicherungsgeld_and_the_age_graded_allowance():
    fall = lade(VERTRAG / "V53_vermoegen.yaml")
    trace = compute(fall["persons"], str(fall["stichtag"]), trace_bg_ids=[1]).traces[1]
    assert trace["parameter_stand"] == "Grundsicherungsgeld 2026-07-01"
    assert any(
        s["name"] == "vermoegensfreibetrag_bg" and "13. SGB II-ÄndG" in s["rule"] for s in trace["steps"]
    )


def test_german_text_cites_the_law_for_every_line():
    fall = lade(VERTRAG / "V01_single.yaml")
    text = trace_als_text(compute(fall["persons"], str(fall["stichtag"]), trace_bg_ids=[1]).traces[1])
    zeilen = text.splitlines()
    assert (
        "Person 1: Regelbedarf = 502,00 € — § 20 Abs. 1a und 2 SGB II i. V. m. Anlage zu § 28 SGB XII"
        in zeilen
    )
    assert "Person 1: Zahlbetrag = 997,00 € — § 41 Abs. 2 SGB II" in zeilen
    assert (
        "Bedarfsgemeinschaft: Vermögensfreibetrag der BG = 40.000,00 € — § 12 Abs. 3 S. 1 SGB II (Karenzzeit)"
        in zeilen
    )
    assert all("§" in z for z in zeilen[1:])


def test_unknown_bg_cannot_be_traced():
    fall = lade(VERTRAG / "V01_single.yaml")
    with pytest.raises(KeyError):
        compute(fall["persons"], str(fall["stichtag"]), trace_bg_ids=[99])
