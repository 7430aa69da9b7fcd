"""Every golden case (contract and our own) through the Python API, BG and person level."""

from __future__ import annotations

import pytest

from vorort.recht import compute

from .faelle import EIGENE, VERTRAG, abweichungen, alle_faelle

FAELLE = [f for f in alle_faelle(VERTRAG, EIGENE) if not f.get("expect_error")]


@pytest.mark.parametrize("fall", FAELLE, ids=[f["id"] for f in FAELLE])
def test_golden_case_via_api(fall):
    ergebnis = compute(fall["persons"], str(fall["stichtag"]))
    bg = {z["bg_id"]: z for z in ergebnis.bg.to_dicts()}
    person = {z["p_id"]: z for z in ergebnis.person.to_dicts()}
    fehler = []
    for bg_id, erwartet in fall["expected"].get("bg", {}).items():
        fehler += abweichungen(erwartet, bg.get(int(bg_id), {}), f"bg {bg_id}")
    for p_id, erwartet in fall["expected"].get("person", {}).items():
        fehler += abweichungen(erwartet, person.get(int(p_id), {}), f"person {p_id}")
    assert fehler == [], "\n".join(fehler)


@pytest.mark.shared
def test_contract_cases_are_copied_unchanged_from_the_shared_contract(shared):
    upstream = shared / "law" / "cases"
    ours = {p.name: p for p in VERTRAG.iterdir() if p.name != "README.md"}
    theirs = {("README_contract.md" if p.name == "README.md" else p.name): p for p in upstream.iterdir()}
    assert sorted(ours) == sorted(theirs), "cases/ and the contract's law/cases/ hold different files"
    geaendert = [name for name, pfad in ours.items() if pfad.read_bytes() != theirs[name].read_bytes()]
    assert geaendert == [], f"copy these again from {upstream}: {geaendert}"
