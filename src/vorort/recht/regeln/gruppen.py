"""Group helpers shared by the rules: sums and lookups per household or BG over person rows."""

from __future__ import annotations

import numpy as np


def summe(gruppe_idx: np.ndarray, werte: np.ndarray, anzahl: int) -> np.ndarray:
    """Return the per-group sum of integer `werte` (cents or counts) as int64."""
    return np.bincount(gruppe_idx, weights=werte, minlength=anzahl).astype(np.int64)


def anzahl_wahr(gruppe_idx: np.ndarray, maske: np.ndarray, anzahl: int) -> np.ndarray:
    """Return the per-group count of rows where `maske` is true."""
    return np.bincount(gruppe_idx[maske], minlength=anzahl).astype(np.int64)


def nachschlagen(idx: np.ndarray, werte: np.ndarray, fehlt: object) -> np.ndarray:
    """Return werte[idx] per row, `fehlt` where idx is -1 (no such person).

    `fehlt` is appended as the last element, which index -1 picks: one gather, no masks.
    """
    mit_fehlt = np.empty(len(werte) + 1, dtype=np.result_type(werte, np.min_scalar_type(fehlt)))
    mit_fehlt[:-1] = werte
    mit_fehlt[-1] = fehlt
    return mit_fehlt.take(idx)
