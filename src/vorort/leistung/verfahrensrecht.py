"""Dated procedural law that the letters state (SGB X), read from `verfahrensrecht.yaml`.

Same format and loader as the law engine's parameters (`vorort.recht.parameter`): each value has its
§ and validity, and a letter uses the law of the day it is posted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from vorort.recht.parameter import Parameter, lade

VERFAHRENSRECHT: dict[str, Parameter] = lade([Path(__file__).with_name("verfahrensrecht.yaml")])

_ORDNUNGSZAHL = {3: "dritten", 4: "vierten"}


def bekanntgabe_tag(aufgabe_zur_post: date) -> str:
    """Name the day after posting on which a letter counts as notified (§ 37 Abs. 2 S. 1 SGB X).

    >>> bekanntgabe_tag(date(2024, 12, 31)), bekanntgabe_tag(date(2025, 1, 1))
    ('dritten', 'vierten')
    """
    return _ORDNUNGSZAHL[VERFAHRENSRECHT["bekanntgabe_post"].am(aufgabe_zur_post).tag]
