"""Parameters are dated data with their source; rules follow the naming convention; the graph is complete."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

import vorort.recht as recht
from vorort.recht import PARAMETER, parameter, parameter_hash
from vorort.recht.engine import EINGABE_UMBENENNUNG, STRUKTUR
from vorort.recht.parameter import ERSTER_STICHTAG, LETZTER_STICHTAG, aenderungsdaten
from vorort.recht.regeln import REGELN, fehlende_namen, regel_daten, regeln_am, reihenfolge_am

EINGABEN = {EINGABE_UMBENENNUNG.get(s, s) for s in recht.eingabe.SCHEMA} | STRUKTUR


def _stichtage() -> list[dt.date]:
    monatsanfaenge = {dt.date(j, m, 1) for j in range(2023, 2027) for m in range(1, 13)}
    tage = monatsanfaenge | aenderungsdaten() | regel_daten() | {LETZTER_STICHTAG}
    tage |= {t - dt.timedelta(days=1) for t in aenderungsdaten() if t > ERSTER_STICHTAG}
    return sorted(t for t in tage if ERSTER_STICHTAG <= t <= LETZTER_STICHTAG)


@pytest.mark.parametrize("name", sorted(PARAMETER), ids=str)
def test_parameter_cites_its_law_and_periods_do_not_overlap(name):
    spec = PARAMETER[name]
    assert re.search(r"§\s*\d+", spec.description["de"]), f"{name}: no § in the description"
    assert spec.name["de"] and spec.name["en"]
    assert all(w.reference.strip() for w in spec.values), f"{name}: a value without a reference"
    assert not spec.overlapping_periods(), f"{name}: validity periods overlap"


@pytest.mark.parametrize("stichtag", _stichtage(), ids=str)
def test_every_parameter_has_exactly_one_value_on_every_supported_date(stichtag):
    fehlend = {
        name: len(p.werte_am(stichtag)) for name, p in PARAMETER.items() if len(p.werte_am(stichtag)) != 1
    }
    assert fehlend == {}


def test_overlap_detection_finds_an_overlap():
    spec = PARAMETER["kindergeld"]
    doppelt = type(spec)(
        key="x", name=spec.name, description=spec.description, values=(*spec.values, spec.values[0])
    )
    assert doppelt.overlapping_periods()


def test_contract_parameter_values():
    # CONTRACT §7, by hand.
    assert PARAMETER["regelbedarf"].am(dt.date(2023, 6, 1)).rbs_1 == 502
    assert PARAMETER["regelbedarf"].am(dt.date(2026, 12, 31)).rbs_6 == 357
    assert [PARAMETER["kindergeld"].am(dt.date(j, 5, 1)).wert for j in range(2023, 2027)] == [
        250,
        250,
        255,
        259,
    ]
    assert [PARAMETER["kindersofortzuschlag"].am(dt.date(j, 5, 1)).wert for j in range(2023, 2027)] == [
        20,
        20,
        25,
        25,
    ]
    assert [PARAMETER["geringfuegigkeitsgrenze"].am(dt.date(j, 8, 1)).wert for j in range(2023, 2027)] == [
        520,
        538,
        556,
        603,
    ]
    minderung = PARAMETER["minderung"]
    assert [
        minderung.am(dt.date.fromisoformat(t)).vollentzug_zulaessig
        for t in ("2024-03-27", "2024-03-28", "2026-03-27", "2026-03-28", "2026-06-30", "2026-07-01")
    ] == [False, True, True, False, False, True]


def test_reform_parameter_file_records_legal_basis_and_status():
    reform = PARAMETER["rechtsstand"].am(dt.date(2026, 7, 1))
    assert reform.leistung == "Grundsicherungsgeld"
    assert "Dreizehntes Gesetz zur Änderung" in reform.gesetz
    assert "2026-03-05" in reform.beschlossen
    assert "nicht verifiziert" in reform.status


def test_parameter_hash_is_stable_and_engine_version_is_set():
    assert re.fullmatch(r"[0-9a-f]{64}", parameter_hash())
    code = "from vorort.recht import parameter_hash; print(parameter_hash())"
    anderer_prozess = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert anderer_prozess.stdout.strip() == parameter_hash()
    assert recht.ENGINE_VERSION


def test_parameter_hash_changes_when_a_parameter_file_changes(tmp_path, monkeypatch):
    for pfad in parameter.VERZEICHNIS.glob("*.yaml"):
        (tmp_path / pfad.name).write_bytes(pfad.read_bytes())
    monkeypatch.setattr(parameter, "VERZEICHNIS", tmp_path)
    assert parameter_hash.__wrapped__() == parameter_hash()  # the same files: the same hash
    with (tmp_path / "regelbedarf.yaml").open("ab") as geaendert:
        geaendert.write(b"# one more line\n")
    assert parameter_hash.__wrapped__() != parameter_hash()


NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


def test_rule_names_follow_the_convention():
    bad = [r.name for r in REGELN if not NAME.fullmatch(r.name) or re.search(r"_(bg|hh|eg)_(m|y|d)$", r.name)]
    assert bad == [], "names are <concept>[_<qualifier>]_<time>_<unit>, time before unit"
    geld_ohne_zeit = [
        r.name
        for r in REGELN
        if r.einheit == "EUR"
        and not re.search(r"_m(_bg|_hh)?$", r.name)
        and r.name not in ("vermoegen_bg", "vermoegensfreibetrag_bg")
    ]
    assert geld_ohne_zeit == [], "every flow of money carries a time (_m)"


def test_every_rule_cites_the_law_and_explains_itself():
    for regel in REGELN:
        assert re.search(r"§\s*\d+", regel.reference), regel.name
        assert regel.formula.strip(), regel.name
        assert regel.funktion.__module__.startswith("vorort.recht.regeln")


@pytest.mark.parametrize("stichtag", _stichtage(), ids=str)
def test_graph_is_complete_on_every_date(stichtag):
    bekannt = EINGABEN | set(PARAMETER)
    assert fehlende_namen(stichtag, bekannt) == set()
    assert len(reihenfolge_am(stichtag, frozenset(bekannt))) == len(regeln_am(stichtag))


def test_missing_input_is_detected_by_the_graph_check():
    bekannt = (EINGABEN | set(PARAMETER)) - {"alter"}
    assert "alter" in fehlende_namen(dt.date(2025, 1, 1), bekannt)


def test_reform_rules_are_own_dated_functions():
    vorher, nachher = regeln_am(dt.date(2026, 6, 30)), regeln_am(dt.date(2026, 7, 1))
    for name in ("vermoegensfreibetrag_bg", "kdu_unterkunft_anerkannt_m_hh", "wegfall_m"):
        assert vorher[name].funktion is not nachher[name].funktion


def test_engine_imports_no_django():
    code = (
        "import sys, vorort.recht, vorort.recht.cli, vorort.recht.synthetisch; print('django' in sys.modules)"
    )
    lauf = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert lauf.stdout.strip() == "False"
    quellen = Path(recht.__file__).parent.rglob("*.py")
    assert [q.name for q in quellen if re.search(r"^\s*(from|import)\s+django", q.read_text(), re.M)] == []
