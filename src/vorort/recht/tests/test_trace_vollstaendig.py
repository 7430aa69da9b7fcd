"""The recorded trace against the result, over every golden case (issue 9, section 4).

Every non-zero amount of the result is found in the trace as the step of the rule that computed it,
with that rule's §; the trace's own arithmetic adds up (Bedarf, Einkommen, Anspruch per person and BG,
shares to the BG amount); every rule step's inputs are the values of the steps it read.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from vorort.recht import compute
from vorort.recht.engine import PERSON_SPALTEN
from vorort.recht.regeln import REGELN, regeln_am
from vorort.recht.trace import LABEL

from .faelle import EIGENE, VERTRAG, alle_faelle

FAELLE = [f for f in alle_faelle(VERTRAG, EIGENE) if not f.get("expect_error")]
#: Person output columns that are not a rule's result of the same name.
NICHT_REGEL = {"bg_id", "p_id", "anspruchstage"}
#: BG output columns -> the BG rule step that holds them.
BG_REGEL = {
    "anzahl_mitglieder": "anzahl_mitglieder_bg",
    "vermoegen_bg": "vermoegen_bg",
    "vermoegensfreibetrag_bg": "vermoegensfreibetrag_bg",
    "vermoegen_ueber_freibetrag": "vermoegen_ueber_freibetrag_bg",
}
#: BG output columns that are the sum over the members of a person step (here named where it differs).
BG_SUMME = {"kindergeld_ueberhang_m": "kindergeld_ueberhang_erhalten_m"}
CENT = 0.005


def _traces(fall):
    bg_ids = sorted({int(p["bg_id"]) for p in fall["persons"]})
    ergebnis = compute(fall["persons"], str(fall["stichtag"]), trace_bg_ids=bg_ids)
    # Stored traces go through JSON: check what is stored.
    return ergebnis, {b: json.loads(json.dumps(t)) for b, t in ergebnis.traces.items()}


def _schritte(trace):
    return {(s["name"], s["p_id"]): s for s in trace["steps"] if s["kind"] == "rule"}


def _normen(regel):
    return {regel.reference, *(regel.fundstellen[1].values() if regel.fundstellen else ())}


def _norm(regel, step):
    """The § the rule declares for this step: by the value it names (`fundstellen`), else its own."""
    if regel.fundstellen is None:
        return regel.reference
    name, je_wert = regel.fundstellen
    wert = step["value"] if name == regel.name else step["inputs"][name]
    return je_wert.get(wert, regel.reference)


@pytest.mark.parametrize("fall", FAELLE, ids=[f["_pfad"].stem for f in FAELLE])
def test_every_amount_of_the_result_is_a_traced_step_with_its_rule_and_norm(fall):
    ergebnis, traces = _traces(fall)
    aktiv = regeln_am(dt.date.fromisoformat(str(fall["stichtag"])))
    for zeile in ergebnis.person.iter_rows(named=True):
        schritte = _schritte(traces[zeile["bg_id"]])
        for spalte in PERSON_SPALTEN:
            if spalte in NICHT_REGEL or not zeile[spalte]:
                continue
            step = schritte.get((spalte, zeile["p_id"]))
            assert step is not None, f"person {zeile['p_id']}: {spalte} = {zeile[spalte]} is not in the trace"
            assert step["value"] == pytest.approx(zeile[spalte]), (zeile["p_id"], spalte)
            assert step["rule"] == _norm(aktiv[spalte], step) and "§" in step["rule"], (spalte, step["rule"])
            assert step["formula"] == aktiv[spalte].formula
    for zeile in ergebnis.bg.iter_rows(named=True):
        schritte = _schritte(traces[zeile["bg_id"]])
        mitglieder = {p for (name, p), s in schritte.items() if name == "bg_mitglied" and s["value"]}
        for spalte, wert in zeile.items():
            if spalte == "bg_id" or not wert:
                continue
            if spalte in BG_REGEL:
                step = schritte[(BG_REGEL[spalte], None)]
                assert step["value"] == pytest.approx(wert), spalte
                assert step["rule"] == _norm(aktiv[BG_REGEL[spalte]], step), spalte
                continue
            name = BG_SUMME.get(spalte, spalte)
            teile = [schritte[(name, p)] for p in mitglieder]
            assert teile, f"bg {zeile['bg_id']}: {spalte} = {wert} has no member step"
            assert sum(s["value"] for s in teile) == pytest.approx(wert, abs=CENT), spalte
            assert all(s["rule"] == _norm(aktiv[name], s) for s in teile), spalte


@pytest.mark.parametrize("fall", FAELLE, ids=[f["_pfad"].stem for f in FAELLE])
def test_the_traced_arithmetic_adds_up_to_the_result(fall):
    ergebnis, traces = _traces(fall)
    for zeile in ergebnis.bg.iter_rows(named=True):
        trace = traces[zeile["bg_id"]]
        schritte = _schritte(trace)
        personen = sorted({p for (_, p) in schritte if p is not None})

        def w(name, p=None, schritte=schritte):
            return schritte[(name, p)]["value"]

        mitglieder = [p for p in personen if w("bg_mitglied", p)]
        for p in personen:
            bedarf = (
                w("regelbedarf_m", p) + w("kindersofortzuschlag_m", p) + w("mehrbedarf_gesamt_m", p)
            ) + w("kdu_anerkannt_m", p)
            assert w("gesamtbedarf_m", p) == pytest.approx(bedarf, abs=CENT)
            einkommen = (
                w("erwerbseinkommen_anrechenbar_m", p)
                + w("einkommen_sonstiges_m", p)
                + w("kindergeld_angerechnet_m", p)
                + w("kindergeld_ueberhang_erhalten_m", p)
                - w("versicherungspauschale_m", p)
            )
            assert w("einkommen_bereinigt_m", p) == pytest.approx(max(einkommen, 0), abs=CENT)
            ungedeckt = w("bedarf_anteilig_m", p) - w("einkommen_bereinigt_m", p) * w("kind_der_bg", p)
            assert w("ungedeckter_bedarf_m", p) == pytest.approx(
                ungedeckt if p in mitglieder else 0, abs=CENT
            )
            assert w("leistungsanspruch_m", p) == pytest.approx(
                w("anspruch_m", p) - w("wegfall_m", p), abs=CENT
            )
            assert w("zahlbetrag_m", p) == pytest.approx(
                w("leistungsanspruch_m", p) - w("minderung_m", p), abs=CENT
            )
        r = w("ungedeckter_bedarf_m_bg")
        pool = w("einkommen_pool_m_bg")
        assert r == pytest.approx(sum(w("ungedeckter_bedarf_m", p) for p in mitglieder), abs=CENT)
        ohne_kinder = [p for p in mitglieder if not w("kind_der_bg", p)]
        assert pool == pytest.approx(sum(w("einkommen_bereinigt_m", p) for p in ohne_kinder), abs=CENT)
        # Bedarf − anrechenbares Einkommen = Anspruch: for the BG, and for each person by its share.
        rest = max(r - pool, 0) if not w("vermoegen_ueber_freibetrag_bg") else 0
        summe = sum(w("anspruch_m", p) for p in mitglieder)
        assert summe == pytest.approx(rest, abs=CENT * max(len(mitglieder), 1) + 1e-9)
        for p in mitglieder:
            assert w("anspruch_m", p) == pytest.approx(rest * w("bedarfsanteil", p), abs=CENT + r * 1e-6)
        assert sum(w("bedarfsanteil", p) for p in mitglieder) == pytest.approx(1.0 if r > 0 else 0, abs=1e-5)
        assert summe - sum(w("wegfall_m", p) + w("minderung_m", p) for p in mitglieder) == pytest.approx(
            zeile["zahlbetrag_m"], abs=CENT
        )


@pytest.mark.parametrize("fall", FAELLE, ids=[f["_pfad"].stem for f in FAELLE])
def test_each_step_read_the_values_of_the_steps_before_it(fall):
    _, traces = _traces(fall)
    for trace in traces.values():
        schritte = _schritte(trace)
        gesehen: set[tuple[str, int | None]] = set()
        for step in trace["steps"]:
            if step["kind"] != "rule":
                continue
            for name, wert in step["inputs"].items():
                if isinstance(wert, dict):  # a person column read by a BG step
                    for p, einzeln in wert.items():
                        if (name, int(p)) in schritte:
                            assert schritte[(name, int(p))]["value"] == einzeln, (step["key"], name, p)
                elif (name, step["p_id"]) in schritte:
                    assert schritte[(name, step["p_id"])]["value"] == wert, (step["key"], name)
                    assert (name, step["p_id"]) in gesehen, f"{step['key']} comes before its input {name}"
                elif (name, None) in schritte:
                    assert schritte[(name, None)]["value"] == wert, (step["key"], name)
            gesehen.add((step["name"], step["p_id"]))
            assert set(step["parameter"]) <= set(trace["parameter"])


@pytest.mark.parametrize("datei", ["V01_single.yaml", "V53_vermoegen.yaml"])
def test_a_rule_that_names_its_norm_by_case_is_traced_with_the_norm_of_the_case(datei):
    ergebnis, traces = _traces(next(f for f in FAELLE if f["_pfad"].name == datei))
    schritte = _schritte(traces[1])
    erwartet = {
        "V01_single.yaml": "§ 12 Abs. 3 S. 1 SGB II (Karenzzeit)",
        "V53_vermoegen.yaml": "§ 12 Abs. 2 SGB II idF 13. SGB II-ÄndG",
    }[datei]
    assert schritte[("vermoegensfreibetrag_bg", None)]["rule"] == erwartet
    assert schritte[("kdu_regel_hh", 1)]["rule"].startswith("§ 22 Abs. 1 S. 2 bis 5 SGB II (Karenzzeit")


def test_every_rule_has_a_label_and_names_a_norm():
    assert {r.name for r in REGELN} <= set(LABEL)
    assert all("§" in n for r in REGELN for n in _normen(r))


def test_each_rule_computes_one_value_per_element_of_its_declared_level():
    # Two households, three BGs, five persons: the levels have different lengths.
    basis = {"kaltmiete_m_hh": 400, "heizkosten_m_hh": 80}
    personen = [
        {**basis, "bg_id": 1, "hh_id": 1, "p_id": 1, "alter": 30},
        {**basis, "bg_id": 1, "hh_id": 1, "p_id": 2, "alter": 5, "p_id_elternteil_1": 1},
        {**basis, "bg_id": 2, "hh_id": 1, "p_id": 3, "alter": 60},
        {**basis, "bg_id": 3, "hh_id": 2, "p_id": 4, "alter": 40},
        {**basis, "bg_id": 3, "hh_id": 2, "p_id": 5, "alter": 41, "p_id_partner": 4},
    ]
    personen[3]["p_id_partner"] = 5
    werte = compute(personen, "2026-01-01", behalte_werte=True).werte
    laenge = {"person": 5, "hh": 2, "bg": 3}
    for aufruf in werte["_protokoll"]:
        assert werte[aufruf.regel.name].shape[-1] == laenge[aufruf.regel.ebene], aufruf.regel.name
