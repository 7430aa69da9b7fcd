"""Search keys for names: umlaut folding and Kölner Phonetik."""

from __future__ import annotations

import re
import unicodedata

import cologne_phonetics

_UMLAUTE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})
_NICHT_BUCHSTABE = re.compile(r"[^a-z0-9 ]+")


def fold(text: str) -> str:
    """Lower-case, umlauts written out, other accents dropped: "Müller-Şahin" -> "mueller sahin"."""
    text = text.strip().lower().translate(_UMLAUTE)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_NICHT_BUCHSTABE.sub(" ", text).split())


def phonetik(text: str) -> str:
    """Kölner Phonetik of every word, joined by spaces: "Meier" and "Mayer" both give "67"."""
    words = fold(text)
    if not words:
        return ""
    return " ".join(code for _word, code in cologne_phonetics.encode(words) if code)


_KUNDENNUMMER = re.compile(r"^K?(\d{4,9})$", re.IGNORECASE)


def kundennummer(text: str) -> str | None:
    """The stored form of a Kundennummer, with or without its letter: "100000017" -> "K100000017".

    Shorter numbers are padded to the nine digits every Kundennummer has (K + 8 digits + check
    digit); anything else is not a Kundennummer (None).
    """
    if m := _KUNDENNUMMER.match(text.strip()):
        return f"K{m[1]:0>9}"
    return None
