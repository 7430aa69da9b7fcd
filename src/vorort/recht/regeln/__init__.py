"""The rules of the law engine, one module per topic; importing this package registers them all."""

from . import anspruch, bedarf, einkommen, kindergeld, unterkunft  # noqa: F401 - registers the rules
from .registry import (
    REGELN,
    Regel,
    ebene_nach_name,
    fehlende_namen,
    regel_daten,
    regeln_am,
    reihenfolge_am,
    rule,
)

__all__ = [
    "REGELN",
    "Regel",
    "ebene_nach_name",
    "fehlende_namen",
    "regel_daten",
    "regeln_am",
    "reihenfolge_am",
    "rule",
]
