"""Database housekeeping that both backends need after bulk loads."""

from __future__ import annotations

from django.db import connection


def optimize() -> None:
    """Refresh the planner's statistics (ANALYZE) after a bulk load.

    Without statistics SQLite picks the Mandant index for a name search and reads the whole
    Mandant; with them it uses the name indexes (measured: 600 ms -> 40 ms at 100,000 persons).
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
