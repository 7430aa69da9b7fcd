"""Each rejection rule of CONTRACT §1, through `main()` (no output file, one line on stderr) and the API."""

from __future__ import annotations

import pytest

from vorort.recht import EingabeFehler, parallel, validate
from vorort.recht.cli import main
from vorort.recht.engine import als_dataframe

GUELTIG = [
    {
        "bg_id": 1,
        "hh_id": 1,
        "p_id": 1,
        "alter": 30,
        "p_id_partner": 2,
        "kaltmiete_m_hh": 500,
        "heizkosten_m_hh": 90,
    },
    {
        "bg_id": 1,
        "hh_id": 1,
        "p_id": 2,
        "alter": 31,
        "p_id_partner": 1,
        "kaltmiete_m_hh": 500,
        "heizkosten_m_hh": 90,
    },
    {
        "bg_id": 1,
        "hh_id": 1,
        "p_id": 3,
        "alter": 4,
        "p_id_elternteil_1": 1,
        "p_id_kindergeld_empfaenger": 1,
        "kaltmiete_m_hh": 500,
        "heizkosten_m_hh": 90,
    },
]


def _mit(zeile: int, **aenderung) -> list[dict]:
    personen = [dict(p) for p in GUELTIG]
    personen[zeile - 1].update(aenderung)
    return personen


# (id, persons, stichtag, expected column, expected row or None, text in the message)
FAELLE = [
    (
        "missing-column",
        [{k: v for k, v in p.items() if k != "hh_id"} for p in GUELTIG],
        "2025-03-01",
        "hh_id",
        None,
        "missing",
    ),
    ("missing-value", _mit(2, alter=None), "2025-03-01", "alter", 2, "missing"),
    ("text-in-number", _mit(2, brutto_erwerb_m="viel"), "2025-03-01", "brutto_erwerb_m", 2, "not a number"),
    ("float-in-int", _mit(3, alter=2.5), "2025-03-01", "alter", 3, "not an integer"),
    ("bad-boolean", _mit(1, alleinerziehend="vielleicht"), "2025-03-01", "alleinerziehend", 1, "boolean"),
    (
        "negative-money",
        _mit(2, brutto_erwerb_m=300, netto_erwerb_m=-12.5),
        "2025-03-01",
        "netto_erwerb_m",
        2,
        "negative amount -12.5",
    ),
    ("negative-limit", _mit(1, grenze_gesamt_m_hh=-1), "2025-03-01", "grenze_gesamt_m_hh", 1, "negative"),
    ("negative-age", _mit(3, alter=-1), "2025-03-01", "alter", 3, "negative"),
    ("negative-days", _mit(3, anspruchstage=-2), "2025-03-01", "anspruchstage", 3, "negative"),
    ("days-over-30", _mit(3, anspruchstage=31), "2025-03-01", "anspruchstage", 3, "at most 30"),
    ("minderung-40", _mit(1, minderung_prozent=40), "2025-03-01", "minderung_prozent", 1, "0..30"),
    ("minderung-negative", _mit(1, minderung_prozent=-10), "2025-03-01", "minderung_prozent", 1, "0..30"),
    (
        "minderung-100-2023",
        _mit(1, minderung_prozent=100),
        "2023-05-01",
        "minderung_prozent",
        1,
        "2024-03-28",
    ),
    (
        "minderung-100-after-repeal",
        _mit(1, minderung_prozent=100),
        "2026-03-28",
        "minderung_prozent",
        1,
        "2026-03-27",
    ),
    (
        "nicht-erreichbar-early",
        _mit(2, nicht_erreichbar=True),
        "2026-06-30",
        "nicht_erreichbar",
        2,
        "2026-07-01",
    ),
    (
        "net-above-gross",
        _mit(1, brutto_erwerb_m=500, netto_erwerb_m=600),
        "2025-03-01",
        "netto_erwerb_m",
        1,
        "exceeds gross",
    ),
    ("duplicate-p-id", _mit(3, p_id=2, p_id_partner=-1), "2025-03-01", "p_id", 3, "duplicate"),
    ("partner-missing", _mit(1, p_id_partner=9), "2025-03-01", "p_id_partner", 1, "does not exist"),
    ("parent-missing", _mit(3, p_id_elternteil_2=77), "2025-03-01", "p_id_elternteil_2", 3, "does not exist"),
    (
        "kindergeld-recipient-missing",
        _mit(3, p_id_kindergeld_empfaenger=5),
        "2025-03-01",
        "p_id_kindergeld_empfaenger",
        3,
        "does not exist",
    ),
    ("partner-not-mutual", _mit(2, p_id_partner=-1), "2025-03-01", "p_id_partner", 1, "not mutual"),
    (
        "partner-other-bg",
        [*_mit(1, bg_id=2)[:1], *GUELTIG[1:]],
        "2025-03-01",
        "p_id_partner",
        1,
        "another BG",
    ),
    ("bg-two-households", _mit(3, hh_id=2), "2025-03-01", "hh_id", 3, "two households"),
    ("household-rent-differs", _mit(2, kaltmiete_m_hh=510), "2025-03-01", "kaltmiete_m_hh", 2, "differs"),
    (
        "household-limit-differs",
        _mit(3, grenze_heizkosten_m_hh=100),
        "2025-03-01",
        "grenze_heizkosten_m_hh",
        3,
        "differs",
    ),
    (
        "karenzzeit-differs",
        _mit(3, karenzzeit_abgelaufen=True),
        "2025-03-01",
        "karenzzeit_abgelaufen",
        3,
        "differs",
    ),
]


@pytest.mark.parametrize(
    ("personen", "stichtag", "spalte", "zeile", "text"), [f[1:] for f in FAELLE], ids=[f[0] for f in FAELLE]
)
def test_invalid_input_is_rejected_with_row_and_column(
    personen, stichtag, spalte, zeile, text, tmp_path, capsys
):
    # The same setup is valid without the defect: the test cannot pass for the wrong reason.
    validate(GUELTIG, stichtag)
    with pytest.raises(EingabeFehler) as fehler:
        validate(personen, stichtag)
    assert fehler.value.column == spalte
    assert fehler.value.row == zeile
    if zeile is not None:
        assert fehler.value.p_id == personen[zeile - 1]["p_id"]
        assert f"Zeile {zeile}" in fehler.value.zeile_de()
    assert text in fehler.value.message
    eingabe, ausgabe = tmp_path / "in.csv", tmp_path / "out.csv"
    als_dataframe(personen).write_csv(eingabe)
    assert main(["--stichtag", stichtag, "--input", str(eingabe), "--output", str(ausgabe)]) != 0
    fehlerzeilen = capsys.readouterr().err.strip().splitlines()
    assert len(fehlerzeilen) == 1
    assert fehlerzeilen[0].startswith("error: ") and spalte in fehlerzeilen[0]
    if zeile is not None:
        assert f"row {zeile} (p_id {personen[zeile - 1]['p_id']})" in fehlerzeilen[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_german_message_names_row_person_and_column():
    with pytest.raises(EingabeFehler) as fehler:
        validate(_mit(3, brutto_erwerb_m=20, netto_erwerb_m=-12.5), "2025-03-01")
    assert fehler.value.zeile_de() == (
        "Zeile 3 (Person 3), Spalte netto_erwerb_m: negativer Betrag -12,50 ist nicht zulässig."
    )


@pytest.mark.parametrize(
    ("aenderungen", "spalte"),
    [
        # a later row in an earlier column wins: columns are checked in SCHEMA order
        ({1: {"vermoegen": -5}, 2: {"brutto_erwerb_m": "viel"}}, "brutto_erwerb_m"),
        ({1: {"p_id_kindergeld_empfaenger": 99}, 3: {"p_id_partner": 98}}, "p_id_partner"),
    ],
)
def test_of_two_faults_the_first_column_in_schema_order_is_named_though_read_on_threads(
    aenderungen, spalte, monkeypatch
):
    monkeypatch.setattr(parallel, "THREADS", 4)
    personen = [dict(p) for p in GUELTIG]
    for zeile, aenderung in aenderungen.items():
        personen[zeile - 1].update(aenderung)
    with pytest.raises(EingabeFehler) as fehler:
        validate(personen, "2025-03-01")
    assert fehler.value.column == spalte


@pytest.mark.parametrize(
    ("argumente", "text"),
    [
        (["--stichtag", "2022-12-31"], "2023-01-01 .. 2026-12-31"),
        (["--stichtag", "2027-01-01"], "2023-01-01 .. 2026-12-31"),
        (["--stichtag", "01.03.2025"], "malformed"),
        (["--stichtag", "2025-03-01", "--output-endung", ".xlsx"], "unknown extension"),
        (["--stichtag", "2025-03-01", "--input-endung", ".json"], "unknown extension"),
        (["--stichtag", "2025-03-01", "--trace", "99"], "no BG"),
        (["--stichtag", "2025-03-01", "--level", "hh"], "invalid choice"),
    ],
)
def test_command_line_errors_give_one_line_and_no_file(argumente, text, tmp_path, capsys):
    eingabe_endung, ausgabe_endung = ".csv", ".csv"
    args = []
    i = 0
    while i < len(argumente):
        if argumente[i] == "--output-endung":
            ausgabe_endung = argumente[i + 1]
        elif argumente[i] == "--input-endung":
            eingabe_endung = argumente[i + 1]
        else:
            args += argumente[i : i + 2]
        i += 2
    eingabe, ausgabe = tmp_path / f"in{eingabe_endung}", tmp_path / f"out{ausgabe_endung}"
    als_dataframe(GUELTIG).write_csv(eingabe)
    assert main(["--input", str(eingabe), "--output", str(ausgabe), *args]) != 0
    fehlerzeilen = capsys.readouterr().err.strip().splitlines()
    assert len(fehlerzeilen) == 1 and text in fehlerzeilen[0]
    assert not ausgabe.exists()
    # The same input with valid arguments succeeds.
    gueltig = tmp_path / "gueltig.csv"
    als_dataframe(GUELTIG).write_csv(gueltig)
    assert (
        main(["--input", str(gueltig), "--output", str(tmp_path / "ok.csv"), "--stichtag", "2025-03-01"]) == 0
    )


def test_extra_columns_are_ignored():
    personen = [dict(p, rolle="x", bg_typ="paar", wohnflaeche_hh=60) for p in GUELTIG]
    validate(personen, "2025-03-01")


def test_empty_cells_take_defaults_in_csv(tmp_path):
    eingabe, ausgabe = tmp_path / "in.csv", tmp_path / "out.csv"
    eingabe.write_text(
        "bg_id,hh_id,p_id,alter,kaltmiete_m_hh,heizkosten_m_hh,anspruchstage,alleinerziehend\n"
        "1,1,1,30,400,70,,\n"
    )
    assert main(["--stichtag", "2025-03-01", "--input", str(eingabe), "--output", str(ausgabe)]) == 0
    assert "1033.00" in ausgabe.read_text()
