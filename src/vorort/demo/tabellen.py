"""The export tables read by `shared/tools/demo-county-check.py`, and how they are written.

`persons` has one row per person living in a BG, `bgs` one row per BG; the columns are the
check's (its docstring), including the optional ones. `metadata.json` records seed, scale and the
profile's schema version (profile README, "Be deterministic"). No Django here: the Parquet run
writes these tables straight from the sampled frames, the database export (`vorort.demo.export`)
builds the same tables from the stored rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

PERSON_COLUMNS = [
    "bg_id",
    "person_id",
    "age",
    "sex",
    "role",
    "elb",
    "entitled",
    "earnings",
    "months_in_receipt",
    "municipality",
    "nationality",
    "status",
    "no_vocational_qualification",
]
BG_COLUMNS = ["bg_id", "bg_type", "municipality", "vergleichsraum", "bruttokaltmiete", "persons"]


def tables_from_sample(
    persons: pl.DataFrame, bgs: pl.DataFrame, *, bg_id: pl.Expr, person_id: pl.Expr
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Export tables straight from sampled frames; `bg_id`/`person_id` build the identifiers.

    Sampled BG i is row i of `bgs`, so BG columns are gathered by index: no join, and the
    persons keep their order (the output must be byte-identical for a seed).
    """
    bg_part = bgs.select(bg_id.alias("bg_id"), "months_in_receipt", pl.col("gemeinde").alias("municipality"))
    persons_out = persons.with_columns(bg_part.to_series(i).gather(persons["bg"]) for i in range(3)).select(
        "bg_id",
        person_id.alias("person_id"),
        "age",
        "sex",
        "role",
        pl.col("elb").cast(pl.Int8),
        pl.col("entitled").cast(pl.Int8),
        pl.col("earnings").round(2),
        "months_in_receipt",
        "municipality",
        "nationality",
        "status",
        pl.col("novq").cast(pl.Int8).alias("no_vocational_qualification"),
    )
    bgs_out = bgs.select(
        bg_id.alias("bg_id"),
        "bg_type",
        pl.col("gemeinde").alias("municipality"),
        "vergleichsraum",
        pl.col("bruttokaltmiete").round(2),
        pl.col("personen").alias("persons"),
    )
    return persons_out, bgs_out


def write_tables(
    directory: Path,
    persons: pl.DataFrame,
    bgs: pl.DataFrame,
    *,
    metadata: dict,
    parquet: bool = False,
    extra: list[str] | None = None,
) -> list[Path]:
    """Write persons and bgs (CSV or Parquet) and metadata.json; return the paths written.

    `extra` names further columns to keep after the check's own (e.g. `kreis`).
    """
    directory.mkdir(parents=True, exist_ok=True)
    suffix = "parquet" if parquet else "csv"
    paths = [directory / f"persons.{suffix}", directory / f"bgs.{suffix}", directory / "metadata.json"]
    extra = extra or []
    frames = (
        persons.select(PERSON_COLUMNS + [c for c in extra if c in persons.columns]),
        bgs.select(BG_COLUMNS + [c for c in extra if c in bgs.columns]),
    )
    for frame, path in zip(frames, paths, strict=False):
        if parquet:
            frame.write_parquet(path, compression="zstd", statistics=False)
        else:
            frame.write_csv(path, float_precision=2)
    paths[2].write_text(
        json.dumps(metadata, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return paths
