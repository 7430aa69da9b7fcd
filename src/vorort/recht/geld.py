"""Money arithmetic in integer cents with the rounding of § 41 Abs. 2 SGB II.

The engine computes every amount in int64 cents. A rounding step is a division of two integers
rounded half away from zero, so there are no binary-float artefacts (1.005 € stays 1.005 € and
rounds to 1.01 €). Euro floats appear only at the edges (input and output).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

CENT_HALF_UP = "§ 41 Abs. 2 SGB II: kaufmännisch auf zwei Dezimalstellen (ab 0,5 Cent aufrunden)"
CENT_FLOOR_KOPFTEIL = "Kopfteil in ganzen Cent, Restcent an die kleinsten p_id (CONTRACT §4.3)"


def runde_bruch(zaehler: np.ndarray, nenner: np.ndarray | int) -> np.ndarray:
    """Return zaehler / nenner rounded half away from zero, for integer arrays (nenner > 0).

    >>> runde_bruch(np.array([5, -5, 4, 7]), 10).tolist()
    [1, -1, 0, 1]
    """
    zaehler = np.asarray(zaehler, dtype=np.int64)
    betrag = np.abs(zaehler)
    betrag *= 2
    betrag += nenner
    betrag //= 2 * np.asarray(nenner, dtype=np.int64)
    # sign(zaehler) × betrag: betrag is 0 where zaehler is 0, so the sign's 0 there changes nothing.
    betrag *= np.sign(zaehler)
    return betrag


def promille(betrag_cent: np.ndarray, promille_satz: np.ndarray | int) -> np.ndarray:
    """Return round(betrag × promille / 1000) in cents, for non-negative amounts.

    >>> promille(np.array([56300]), 170).tolist()   # 17 % of 563.00 € = 95.71 €
    [9571]
    """
    return (np.asarray(betrag_cent, dtype=np.int64) * promille_satz * 2 + 1000) // 2000


def euro_zu_cent(werte: np.ndarray) -> np.ndarray:
    """Convert Euro floats to int64 cents, half away from zero (inputs are taken as given, rounded to cents).

    >>> euro_zu_cent(np.array([1.005, 0.1, -12.5, 100.0])).tolist()
    [101, 10, -1250, 10000]
    """
    werte = np.asarray(werte, dtype=np.float64)
    # The 1e-7 absorbs the binary representation error of decimal input such as 1.005.
    betrag = np.abs(werte)
    betrag *= 100.0
    betrag += 0.5
    betrag += 1e-7
    np.floor(betrag, out=betrag)
    np.copysign(betrag, werte, out=betrag)  # -0.0 for -0.0 (and NaN's sign) becomes 0 below
    return betrag.astype(np.int64)


@lru_cache(maxsize=1024)
def cent(euro: float) -> int:
    """Convert one Euro amount from the parameter files to cents."""
    return int(euro_zu_cent(np.array([euro]))[0])


def cent_zu_euro(werte: np.ndarray) -> np.ndarray:
    """Convert int64 cents to Euro floats with 2 decimals for output."""
    return np.asarray(werte, dtype=np.int64) / 100.0
