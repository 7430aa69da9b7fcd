"""Invalid parameters as one German sentence per parameter (`detail`), instead of pydantic's English.

Every 4xx of the API has the same shape, `{"detail": "…"}` (`FehlerOut`): what is wrong and where.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class FehlerOut(Schema):
    detail: str = Field(description="Was geschehen ist und was zu tun ist (deutsch)")


_ORT = {
    "path": "im Pfad",
    "query": "in der Abfrage",
    "body": "im Inhalt",
    "form": "im Formular",
    "header": "im Header",
    "cookie": "im Cookie",
}

#: Patterns of parameters with the form a person reads.
MONAT_MUSTER = r"^\d{4}-(0[1-9]|1[0-2])$"
_FORM = {MONAT_MUSTER: "JJJJ-MM, z. B. 2026-03"}

#: pydantic error types as German predicates; `{…}` come from the error's context.
_GRUND = {
    "missing": "fehlt",
    "int_parsing": "muss eine ganze Zahl sein",
    "int_type": "muss eine ganze Zahl sein",
    "int_from_float": "muss eine ganze Zahl sein",
    "float_parsing": "muss eine Zahl sein",
    "decimal_parsing": "muss eine Zahl sein",
    "bool_parsing": "muss true oder false sein",
    "string_type": "muss ein Text sein",
    "string_too_short": "ist zu kurz (mindestens {min_length} Zeichen)",
    "string_too_long": "ist zu lang (höchstens {max_length} Zeichen)",
    "string_pattern_mismatch": "hat nicht die erwartete Form",
    "greater_than": "muss größer als {gt} sein",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than": "muss kleiner als {lt} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "date_parsing": "muss ein Datum der Form JJJJ-MM-TT sein",
    "date_from_datetime_parsing": "muss ein Datum der Form JJJJ-MM-TT sein",
    "enum": "muss einer dieser Werte sein: {expected}",
    "json_invalid": "ist kein gültiges JSON",
}


def fehlertext(fehler: list[dict[str, Any]]) -> str:
    """One sentence per invalid parameter, e.g. 'Parameter „bg_id“ im Pfad: muss eine ganze Zahl sein.'"""
    saetze = []
    for f in fehler:
        ort, *name = [str(teil) for teil in f.get("loc", ())] or ["", ""]
        grund = _GRUND.get(f.get("type", ""), "ist ungültig")
        kontext = f.get("ctx", {})
        try:
            grund = grund.format(**kontext)
        except (KeyError, IndexError):
            grund = "ist ungültig"
        if form := _FORM.get(kontext.get("pattern", "")):
            grund += f" ({form})"
        wer = f"Parameter „{'.'.join(name)}“" if name else "Die Anfrage"
        saetze.append(f"{wer} {_ORT.get(ort, '')}: {grund}.".replace("  ", " ").replace(" :", ":"))
    return " ".join(saetze) or "Die Anfrage ist ungültig."
