"""What a person reads on a page: its visible text, and ISO dates in it (issue 8, defect 8).

Dates shown to people are TT.MM.JJJJ and months MM.JJJJ; `2026-03-01` or `2026-03` in the visible
text (or in a field's value, a placeholder, a title or an aria-label) is a mistake. URLs, data
attributes and JSON for scripts are for machines and may keep ISO.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ISO = re.compile(r"(?<![\w-])\d{4}-\d{2}(?:-\d{2})?(?![\w-])")
GELESENE_ATTRIBUTE = {"value", "placeholder", "title", "aria-label", "alt"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.teile: list[str] = []
        self._verborgen = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._verborgen += 1
        attribute = dict(attrs)
        if tag == "input" and attribute.get("type") == "hidden":
            return
        self.teile.extend(wert for name, wert in attrs if name in GELESENE_ATTRIBUTE and wert)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._verborgen:
            self._verborgen -= 1

    def handle_data(self, data):
        if not self._verborgen:
            self.teile.append(data)


def sichtbarer_text(html: str) -> str:
    leser = _Text()
    leser.feed(html)
    return " ".join(" ".join(leser.teile).split())


def iso_daten(html: str) -> list[str]:
    """ISO dates and months a person would read on the page, with some text around each."""
    text = sichtbarer_text(html)
    return [text[max(0, m.start() - 40) : m.end() + 20] for m in ISO.finditer(text)]
