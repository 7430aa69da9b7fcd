"""Generate a scaled population straight to Parquet, without a database (`vorort demo --parquet`).

At national scale (≈ 3.0 M BGs, 5.4 M persons) the county's structure is replicated across
synthetic counties (profile README, "Scale"): each BG gets a `kreis` number (1 … ⌈scale⌉) and ids
that contain it; `municipality` stays the profile's municipality id, so the shares can still be
checked. The tables have the export's columns (`vorort.demo.tabellen`) plus `kreis`. The sampler
is the same as for the database build; only counts are multiplied.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl

from vorort.demo.profil import county_profile, stichtag
from vorort.demo.sampling import Streams, sample_county
from vorort.demo.tabellen import tables_from_sample, write_tables


def generate_parquet(directory: Path, *, seed: int, scale: float) -> dict:
    """Sample round(stock.bg × scale) BGs and write persons/bgs Parquet; return the metadata."""
    profile = county_profile()
    n_bg = max(1, round(profile["stock"]["bg"] * scale))
    county = sample_county(profile, seed=seed, n_bg=n_bg, stichtag=stichtag())
    n_kreise = max(1, math.ceil(scale))
    kreis = Streams(seed)("kreis").integers(1, n_kreise + 1, n_bg)
    width = len(str(n_kreise))
    bgs = county.bgs.with_columns(kreis=pl.Series(kreis, dtype=pl.Int32))
    persons = county.persons.with_columns(kreis=bgs["kreis"].gather(county.persons["bg"]))
    bg_id = pl.format(
        "{}BG{}", pl.col("kreis").cast(pl.String).str.zfill(width), pl.col("bg").cast(pl.String).str.zfill(8)
    )
    person_id = pl.format("P{}", pl.col("person").cast(pl.String).str.zfill(9))
    persons_out, bgs_out = tables_from_sample(persons, bgs, bg_id=bg_id, person_id=person_id)
    persons_out = persons_out.with_columns(persons["kreis"])
    bgs_out = bgs_out.with_columns(bgs["kreis"])
    metadata = {
        "seed": seed,
        "scale": scale,
        "schema_version": profile["schema_version"],
        "stichtag": stichtag().isoformat(),
        "bgs": bgs_out.height,
        "persons": persons_out.height,
        "kreise": n_kreise,
        "elb": int(np.asarray(persons_out["elb"]).sum()),
    }
    write_tables(directory, persons_out, bgs_out, metadata=metadata, parquet=True, extra=["kreis"])
    return metadata
