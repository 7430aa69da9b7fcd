"""Kill the payment run with SIGKILL midway, start it again: every BG is paid exactly once.

Runs `vorort zahllauf` as a real process on a file-based SQLite database (its own data folder),
polls the ledger until some but not all BGs are paid, kills the process and starts it again.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ANZAHL = 3000
MONAT = "2026-03"
VORORT = [sys.executable, "-m", "vorort.cli"]


def _vorort(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*VORORT, *args], env=env, capture_output=True, text=True, check=True, **kwargs)


@pytest.mark.slow
def test_killed_run_resumes_and_pays_each_bg_once(tmp_path: Path):
    datenbank = tmp_path / "absturz.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{datenbank}", "VORORT_DATA_DIR": str(tmp_path / "data")}
    _vorort(env, "migrate", "--no-input")
    _vorort(
        env,
        "shell",
        "-c",
        (
            "from datetime import date; from vorort.core.models import Mandant; "
            "from vorort.leistung.massendaten import seed_bewilligungen; "
            "m = Mandant.objects.create(name='Jobcenter Absturz', kurzname='absturz', iban='DE02800537623440000106'); "
            f"seed_bewilligungen(m, {ANZAHL}, date(2026, 3, 1))"
        ),
    )
    ausgabe = tmp_path / "out"
    prozess = subprocess.Popen(
        [*VORORT, "zahllauf", "--monat", MONAT, "--output", str(ausgabe), "--chunk", "50"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    gezahlt = 0
    try:
        frist = time.monotonic() + 120
        while time.monotonic() < frist and prozess.poll() is None:
            with sqlite3.connect(datenbank, timeout=30) as con:
                try:
                    gezahlt = con.execute("select count(*) from leistung_zahlung").fetchone()[0]
                except sqlite3.OperationalError:
                    gezahlt = 0
            if 0 < gezahlt < ANZAHL // 2:
                prozess.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        prozess.wait(timeout=60)
    assert prozess.returncode == -signal.SIGKILL, "the run was killed midway"
    assert 0 < gezahlt < ANZAHL
    assert not ausgabe.exists() or not list(ausgabe.glob("sepa_*.xml")), "no SEPA file from the killed run"

    fortsetzung = _vorort(env, "zahllauf", "--monat", MONAT, "--output", str(ausgabe))
    assert "fortgesetzt" in fortsetzung.stdout
    wieder = _vorort(env, "zahllauf", "--monat", MONAT, "--output", str(ausgabe))
    assert "bereits abgeschlossen" in wieder.stdout

    with sqlite3.connect(datenbank) as con:
        zahlungen, bgs = con.execute(
            "select count(*), count(distinct bedarfsgemeinschaft_id) from leistung_zahlung where zahlmonat = '2026-03-01'"
        ).fetchone()
        summe_zahlungen = con.execute("select sum(cast(betrag as real)) from leistung_zahlung").fetchone()[0]
        summe_buchungen = con.execute("select sum(cast(betrag as real)) from leistung_buchung").fetchone()[0]
        ohne_zahlung = con.execute(
            "select count(*) from leistung_buchung where zahlung_id is null"
        ).fetchone()[0]
        doppelt = con.execute(
            "select count(*) from (select leistungsbetrag_id, art from leistung_buchung group by 1, 2 having count(*) > 1)"
        ).fetchone()[0]
        dateien = con.execute("select count(*) from leistung_zahlungsdatei").fetchone()[0]
    assert zahlungen == bgs == ANZAHL, "exactly one Zahlung per BG and month"
    assert doppelt == 0 and ohne_zahlung == 0
    assert round(summe_zahlungen, 2) == round(summe_buchungen, 2)
    assert dateien == 1
    (sepa,) = ausgabe.glob("sepa_*.xml")
    bericht = json.loads(next(ausgabe.glob("*_bericht.json")).read_text())
    assert bericht["abgestimmt"] is True
    assert bericht["ueberweisungen"] == sepa.read_text().count("<CdtTrfTxInf>")
