"""Synthetic but valid German IBANs for demo bank accounts.

The ISO 7064 mod-97 check digits are computed here; the account numbers are drawn until the
bank's own account check (Bundesbank Prüfzifferverfahren, as implemented by schwifty) accepts
them, so the IBANs pass `schwifty.IBAN(iban, validate_bban=True)` as real ones would.
"""

from __future__ import annotations

import functools

import numpy as np
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from vorort.demo.namen import BANKEN


def german_iban(blz: str, konto: str) -> str:
    """Build DEkk + 8-digit BLZ + 10-digit account number with the mod-97 check digits."""
    bban = f"{blz}{int(konto):010d}"
    check = 98 - int(f"{bban}131400") % 97  # "DE" = 13 14, then "00" as placeholder digits
    return f"DE{check:02d}{bban}"


@functools.cache
def bic_of(blz: str) -> str:
    return str(IBAN(german_iban(blz, "1")).bic or "")


def _valid(iban: str) -> bool:
    try:
        IBAN(iban, validate_bban=True)
    except SchwiftyException:
        return False
    return True


def draw_ibans(rng: np.random.Generator, k: int) -> tuple[list[str], list[str]]:
    """Draw k distinct valid IBANs at the region's banks; return (ibans, bics)."""
    blz_list = [b for b, _share in BANKEN]
    shares = np.array([share for _b, share in BANKEN])
    banks = rng.choice(len(blz_list), size=k, p=shares / shares.sum())
    ibans: list[str] = []
    seen: set[str] = set()
    for bank in banks:
        blz = blz_list[bank]
        while True:
            iban = german_iban(blz, str(int(rng.integers(100_000_000, 9_999_999_999))))
            if iban not in seen and _valid(iban):
                break
        seen.add(iban)
        ibans.append(iban)
    return ibans, [bic_of(blz_list[b]) for b in banks]
