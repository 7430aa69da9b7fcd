"""Raw inserts for the large demo tables: one executemany per batch, explicit ids."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

BATCH = 20_000


def naechste_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def einfuegen(model, spalten: list[str], zeilen: list[tuple]) -> None:
    """Insert rows (first column "id", values in the database's form) with one executemany per batch."""
    if not zeilen:
        return
    opts = model._meta
    namen = ", ".join(connection.ops.quote_name(opts.get_field(s).column) for s in spalten)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(opts.db_table)} ({namen}) "
        f"VALUES ({', '.join(['%s'] * len(spalten))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(zeilen), BATCH):
            cursor.executemany(sql, zeilen[start : start + BATCH])


def einfuegen_spalten(model, spalten: dict[str, np.ndarray]) -> None:
    """Insert a large table given as NumPy columns, converted to Python values one batch at a time.

    On SQLite the table's secondary indexes are dropped and built again afterwards, in the same
    transaction: one sorted build instead of a b-tree insert per row.
    """
    namen = list(spalten)
    anzahl = len(next(iter(spalten.values())))
    indizes = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [model._meta.db_table],
            )
            indizes = cursor.fetchall()
            for name, _sql in indizes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    for start in range(0, anzahl, BATCH):
        teil = [spalte[start : start + BATCH].tolist() for spalte in spalten.values()]
        einfuegen(model, namen, list(zip(*teil, strict=True)))
    with connection.cursor() as cursor:
        for _name, sql in indizes:
            cursor.execute(sql)


def sequenzen_nachziehen(models: list) -> None:
    """After explicit ids, let PostgreSQL's sequences continue behind them (SQLite does it itself)."""
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def db_datetime(wert: datetime):
    """A datetime in the database's own form, as the raw inserts pass it."""
    return connection.ops.adapt_datetimefield_value(wert)
