"""A batch computed in chunks of households on several threads equals the same batch in one piece."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from vorort.recht import compute, engine
from vorort.recht.synthetisch import population

STICHTAG = "2025-01-01"


def _population_mit_verweisen() -> pl.DataFrame:
    """20 000 synthetic BGs plus relations across households and BG ids out of household order."""
    personen = population(20_000, seed=11)
    rng = np.random.Generator(np.random.PCG64(5))
    kg = personen.get_column("p_id_kindergeld_empfaenger").to_numpy().copy()
    p_id = personen.get_column("p_id").to_numpy()
    erwachsene = np.flatnonzero(personen.get_column("alter").to_numpy() >= 18)
    kinder = np.flatnonzero(kg >= 0)
    # Kindergeld recipients in far-away households link those households (they must share a chunk).
    weit = kinder[rng.random(len(kinder)) < 0.0005]
    kg[weit] = p_id[rng.choice(erwachsene, len(weit))]
    n = personen.height
    return personen.with_columns(
        p_id_kindergeld_empfaenger=pl.Series(kg),
        anspruchstage=pl.Series(np.where(rng.random(n) < 0.05, rng.integers(1, 31, n), 30)),
        mehrbedarf_behinderung=pl.Series(rng.random(n) < 0.02),
    )


@pytest.fixture(scope="module")
def personen() -> pl.DataFrame:
    return _population_mit_verweisen()


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("zeilen", [257, 4096])
def test_chunked_and_threaded_run_equals_a_single_chunk(personen, monkeypatch, threads, zeilen):
    einzeln = compute(personen, STICHTAG, behalte_werte=True)  # behalte_werte: one chunk, no threads
    monkeypatch.setattr(engine, "STUECK_ZEILEN", zeilen)
    monkeypatch.setattr(engine, "THREADS", threads)
    assert len(engine._stueck_grenzen(engine._bereite_vor(_spalten(personen))[0], zeilen)) > 2
    gestueckelt = compute(personen, STICHTAG)
    assert gestueckelt.bg.equals(einzeln.bg)
    assert gestueckelt.person.equals(einzeln.person)


def test_chunks_with_bg_ids_out_of_household_order(personen, monkeypatch):
    # Reverse the BG ids: BGs are then not contiguous in bg_id order within a chunk's rows.
    gedreht = personen.with_columns(bg_id=1_000_000 - pl.col("bg_id")).sample(
        fraction=1.0, shuffle=True, seed=3
    )
    einzeln = compute(gedreht, STICHTAG, behalte_werte=True)
    monkeypatch.setattr(engine, "STUECK_ZEILEN", 1000)
    gestueckelt = compute(gedreht, STICHTAG)
    assert gestueckelt.bg.equals(einzeln.bg)
    assert gestueckelt.person.equals(einzeln.person)


def test_no_chunk_boundary_cuts_a_relation(personen):
    ctx, _ = engine._bereite_vor(_spalten(personen))
    grenzen = engine._stueck_grenzen(ctx, 1000)
    stueck = np.searchsorted(np.array(grenzen), np.arange(len(ctx["hh_idx"])), side="right")
    for name in ("partner_idx", "elternteil_1_idx", "elternteil_2_idx", "kindergeld_empfaenger_idx"):
        idx = ctx[name]
        hat = idx >= 0
        assert (stueck[hat] == stueck[idx[hat]]).all(), name


def _spalten(personen: pl.DataFrame) -> dict:
    import datetime as dt

    from vorort.recht.eingabe import lese_spalten

    return lese_spalten(personen, dt.date.fromisoformat(STICHTAG))
