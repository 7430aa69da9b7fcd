"""vorort.recht: the SGB II law engine (Bürgergeld / Grundsicherungsgeld), pure Python, no Django.

It computes the monthly claim of Bedarfsgemeinschaften as specified in the shared law contract v2
(`docs/recht.md` describes rules, parameters, trace and decisions). One implementation serves one
BG and a whole country's batch.

Public API (for the Django app `leistung` and the CLI `vorort calc`)::

    from vorort.recht import compute, validate, EingabeFehler, PARAMETER, ENGINE_VERSION, parameter_hash

    # personen: polars.DataFrame or list of dicts
    ergebnis = compute(personen, "2026-01-01", trace_bg_ids=[1])
    ergebnis.bg        # polars.DataFrame, CONTRACT §3.1 columns, sorted by bg_id
    ergebnis.person    # polars.DataFrame, CONTRACT §3.2 columns, sorted by p_id
    ergebnis.traces[1] # dict, CONTRACT §6 trace of BG 1; trace_als_text(...) renders it in German

- `compute(personen, stichtag, *, trace_bg_ids=()) -> Ergebnis`
- `validate(personen, stichtag) -> None`, raises `EingabeFehler` (`row` 1-based, `p_id`, `column`,
  `message` English, `message_de` German, `zeile_de()` for the UI)
- `trace_als_text(trace) -> str`
- `PARAMETER` (dict of dated parameters), `parameter_hash() -> str` (SHA-256 of the parameter files),
  `ENGINE_VERSION` (str); store both with every Berechnung.
- `ERSTER_STICHTAG`, `LETZTER_STICHTAG`: the supported range of Stichtage.
"""

from .eingabe import EingabeFehler
from .engine import BG_SPALTEN, PERSON_SPALTEN, Ergebnis, compute, validate
from .parameter import ERSTER_STICHTAG, LETZTER_STICHTAG, PARAMETER, parameter_hash
from .trace import trace_als_text

ENGINE_VERSION = "1.0.0+contract-v2"

__all__ = [
    "BG_SPALTEN",
    "ENGINE_VERSION",
    "ERSTER_STICHTAG",
    "EingabeFehler",
    "Ergebnis",
    "LETZTER_STICHTAG",
    "PARAMETER",
    "PERSON_SPALTEN",
    "compute",
    "parameter_hash",
    "trace_als_text",
    "validate",
]
