"""Every golden case through the real `vorort calc` in a subprocess, and every rejection rule of CONTRACT §1.

Cases are batched: all cases whose Stichtage fall into the same law period (the same rules and
parameters, CONTRACT §7) go into one call with renumbered ids, at bg level (CSV out) and at person
level (Parquet out). The batched results must equal each case computed alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from vorort.recht import compute
from vorort.recht.cli import main
from vorort.recht.engine import als_dataframe
from vorort.recht.synthetisch import population
from vorort.recht.trace import parameter_stand

from .faelle import EIGENE, VERTRAG, abweichungen, alle_faelle

VORORT = Path(sys.executable).parent / "vorort"
FAELLE = [f for f in alle_faelle(VERTRAG, EIGENE) if not f.get("expect_error")]
FEHLERFAELLE = [f for f in alle_faelle(VERTRAG, EIGENE) if f.get("expect_error")]
VERSATZ = 1000
ID_SPALTEN = [
    "bg_id",
    "hh_id",
    "p_id",
    "p_id_partner",
    "p_id_elternteil_1",
    "p_id_elternteil_2",
    "p_id_kindergeld_empfaenger",
]


def _umnummeriert(personen: list[dict], versatz: int) -> list[dict]:
    ergebnis = []
    for zeile in personen:
        neu = dict(zeile)
        for spalte in ID_SPALTEN:
            if spalte in neu and neu[spalte] is not None and int(neu[spalte]) >= 0:
                neu[spalte] = int(neu[spalte]) + versatz
        ergebnis.append(neu)
    return ergebnis


def _vorort(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VORORT), "calc", *args], capture_output=True, text=True, timeout=120)


def _gruppen() -> dict[str, list[tuple[int, dict]]]:
    gruppen: dict[str, list[tuple[int, dict]]] = {}
    for nummer, fall in enumerate(FAELLE, start=1):
        gruppen.setdefault(parameter_stand(fall["stichtag"]), []).append((nummer * VERSATZ, fall))
    return gruppen


@pytest.fixture(scope="module")
def cli_ergebnisse(tmp_path_factory) -> dict[str, tuple[dict, dict]]:
    """Run one bg-level and one person-level call per law period; return the rows by id."""
    ordner = tmp_path_factory.mktemp("cli")
    auftraege = []
    for nummer, (stand, faelle) in enumerate(sorted(_gruppen().items())):
        zeilen = [z for versatz, fall in faelle for z in _umnummeriert(fall["persons"], versatz)]
        eingabe = ordner / f"gruppe_{nummer}.csv"
        als_dataframe(zeilen).write_csv(eingabe)
        stichtag = str(faelle[0][1]["stichtag"])
        auftraege.append(
            (stand, stichtag, eingabe, ordner / f"bg_{nummer}.csv", ordner / f"person_{nummer}.parquet")
        )

    def lauf(auftrag):
        stand, stichtag, eingabe, bg_aus, person_aus = auftrag
        bg = _vorort("--stichtag", stichtag, "--input", str(eingabe), "--output", str(bg_aus))
        person = _vorort(
            "--stichtag", stichtag, "--input", str(eingabe), "--output", str(person_aus), "--level", "person"
        )
        assert bg.returncode == 0, bg.stderr
        assert person.returncode == 0, person.stderr
        return stand, pl.read_csv(bg_aus), pl.read_parquet(person_aus)

    with ThreadPoolExecutor(max_workers=4) as pool:
        laeufe = list(pool.map(lauf, auftraege))
    bg_zeilen, person_zeilen = {}, {}
    for _, bg, person in laeufe:
        assert bg.get_column("bg_id").is_sorted()
        assert person.get_column("p_id").is_sorted()
        bg_zeilen.update({z["bg_id"]: z for z in bg.to_dicts()})
        person_zeilen.update({z["p_id"]: z for z in person.to_dicts()})
    return bg_zeilen, person_zeilen


@pytest.mark.parametrize("nummer", range(1, len(FAELLE) + 1), ids=[f["id"] for f in FAELLE])
def test_golden_case_via_cli_batch(cli_ergebnisse, nummer):
    fall, versatz = FAELLE[nummer - 1], nummer * VERSATZ
    bg_zeilen, person_zeilen = cli_ergebnisse
    fehler = []
    for bg_id, erwartet in fall["expected"].get("bg", {}).items():
        fehler += abweichungen(erwartet, bg_zeilen.get(int(bg_id) + versatz, {}), f"bg {bg_id}")
    for p_id, erwartet in fall["expected"].get("person", {}).items():
        fehler += abweichungen(erwartet, person_zeilen.get(int(p_id) + versatz, {}), f"person {p_id}")
    assert fehler == [], "\n".join(fehler)
    # Batching must not change anything: the case alone gives the same rows as inside the batch.
    allein = compute(_umnummeriert(fall["persons"], versatz), str(fall["stichtag"]))
    for zeile in allein.person.to_dicts():
        assert person_zeilen[zeile["p_id"]] == pytest.approx(zeile), (
            f"person {zeile['p_id']} differs in the batch"
        )
    for zeile in allein.bg.to_dicts():
        assert bg_zeilen[zeile["bg_id"]] == pytest.approx(zeile), f"bg {zeile['bg_id']} differs in the batch"


@pytest.mark.parametrize("fall", FEHLERFAELLE, ids=[f["id"] for f in FEHLERFAELLE])
def test_error_case_via_cli(fall, tmp_path):
    eingabe, ausgabe = tmp_path / "in.csv", tmp_path / "out.csv"
    als_dataframe(fall["persons"]).write_csv(eingabe)
    lauf = _vorort("--stichtag", str(fall["stichtag"]), "--input", str(eingabe), "--output", str(ausgabe))
    assert lauf.returncode != 0
    assert not ausgabe.exists()
    assert list(tmp_path.iterdir()) == [eingabe], "no temporary file may be left behind"
    assert len(lauf.stderr.strip().splitlines()) == 1, lauf.stderr
    for text in fall["error_mentions"]:
        assert text.lower() in lauf.stderr.lower()


def test_trace_option_prints_one_json_object_per_bg(tmp_path):
    fall = next(f for f in FAELLE if f["id"] == "V25")
    eingabe, ausgabe = tmp_path / "in.parquet", tmp_path / "out.parquet"
    als_dataframe(fall["persons"]).write_parquet(eingabe)
    lauf = _vorort(
        "--stichtag", str(fall["stichtag"]), "--input", str(eingabe), "--output", str(ausgabe), "--trace", "1"
    )
    assert lauf.returncode == 0, lauf.stderr
    trace = json.loads(lauf.stdout)
    assert trace["bg_id"] == 1 and trace["parameter_stand"] == "Buergergeld 2025-01-01"
    zahlbetrag = sum(s["value"] for s in trace["steps"] if s["name"] == "zahlbetrag_m")
    assert zahlbetrag == pytest.approx(pl.read_parquet(ausgabe).get_column("zahlbetrag_m")[0])


def test_main_succeeds_in_process_and_writes_csv_with_two_decimals(tmp_path):
    fall = next(f for f in FAELLE if f["id"] == "V01")
    eingabe, ausgabe = tmp_path / "in.csv", tmp_path / "out.csv"
    als_dataframe(fall["persons"]).write_csv(eingabe)
    assert main(["--stichtag", "2023-03-01", "--input", str(eingabe), "--output", str(ausgabe)]) == 0
    kopf, zeile = ausgabe.read_text().splitlines()
    werte = dict(zip(kopf.split(","), zeile.split(","), strict=True))
    assert werte["zahlbetrag_m"] == "997.00"
    assert werte["vermoegen_ueber_freibetrag"] == "false"


def _bitweise_abweichend(datei: pl.DataFrame, api: pl.DataFrame) -> list[str]:
    """Columns in which the file differs from the API's frame in name, type or any bit of any value."""
    if datei.schema != api.schema or datei.height != api.height:
        return [f"schema {datei.schema} != {api.schema}, rows {datei.height} != {api.height}"]
    abweichend = []
    for name in api.columns:
        a, b = datei.get_column(name).to_numpy(), api.get_column(name).to_numpy()
        if a.dtype == np.float64:
            a, b = a.view(np.int64), b.view(np.int64)  # -0.0 and 0.0, or two NaNs, differ here
        if not np.array_equal(a, b):
            abweichend.append(name)
    return abweichend


@pytest.mark.parametrize("ebene", ["bg", "person"])
def test_parquet_output_equals_the_api_bit_for_bit_on_the_golden_cases(ebene, tmp_path):
    for nummer, (_, faelle) in enumerate(sorted(_gruppen().items())):
        personen = als_dataframe(
            [z for versatz, fall in faelle for z in _umnummeriert(fall["persons"], versatz)]
        )
        stichtag = str(faelle[0][1]["stichtag"])
        eingabe, ausgabe = tmp_path / f"in_{nummer}.parquet", tmp_path / f"out_{nummer}.parquet"
        personen.write_parquet(eingabe)
        argumente = [
            "--stichtag",
            stichtag,
            "--input",
            str(eingabe),
            "--output",
            str(ausgabe),
            "--level",
            ebene,
        ]
        assert main(argumente) == 0
        api = compute(personen, stichtag)
        assert _bitweise_abweichend(pl.read_parquet(ausgabe), getattr(api, ebene)) == [], stichtag


@pytest.mark.parametrize("stichtag", ["2025-01-01", "2026-08-01"])
def test_whole_process_equals_the_api_bit_for_bit_on_a_generated_sample(stichtag, tmp_path):
    """`vorort calc` as its own process (Parquet in and out) gives exactly the API's numbers.

    The rows are shuffled, so the input is neither sorted by household nor by p_id.
    """
    personen = population(30_000, seed=3).sample(fraction=1.0, shuffle=True, seed=4)
    eingabe = tmp_path / "personen.parquet"
    personen.write_parquet(eingabe)
    api = compute(personen, stichtag)
    for ebene in ("bg", "person"):
        ausgabe = tmp_path / f"{ebene}.parquet"
        lauf = _vorort(
            "--stichtag", stichtag, "--input", str(eingabe), "--output", str(ausgabe), "--level", ebene
        )
        assert lauf.returncode == 0, lauf.stderr
        assert _bitweise_abweichend(pl.read_parquet(ausgabe), getattr(api, ebene)) == [], ebene
