"""Helpers for tests that numbers meant for machines are never localised (issue 8, defect 1).

With USE_THOUSAND_SEPARATOR a template writes the id 1234 as "1.234": harmless for a person,
wrong in a URL, a data attribute, a hidden field or JSON, which a script or Django reads back.
`ids_ab` makes every table hand out ids of four digits, so such a mistake shows up at all.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection, models

# 1.234 or 1.234,56 or 3,5 as a whole token: a German-formatted number. Dates (02.12.2026) and
# months (12.2026) never match: their groups after a dot have two or four digits.
LOKALISIERT = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)(?![\w.])")
MASCHINEN_ATTRIBUTE = {"href", "src", "action", "formaction", "value", "for", "id", "name"}


def ids_ab(start: int) -> None:
    """Let every table with an automatic id hand out ids above `start` from now on."""
    with connection.cursor() as cursor:
        for model in apps.get_models():
            pk = model._meta.pk
            if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
                continue
            tabelle = model._meta.db_table
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [tabelle])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [tabelle, start])
            else:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [tabelle, pk.column, start]
                )


class _Leser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.funde: list[str] = []
        self._json = False

    def handle_starttag(self, tag, attrs):
        attribute = dict(attrs)
        self._json = tag == "script" and attribute.get("type") == "application/json"
        for name, wert in attrs:
            if not wert or not (name.startswith(("data-", "hx-")) or name in MASCHINEN_ATTRIBUTE):
                continue
            if tag == "input" and name == "value" and attribute.get("inputmode") == "decimal":
                continue  # an amount typed and shown the German way; its form reads "1.234,56" back
            if LOKALISIERT.search(wert):
                self.funde.append(f'<{tag} {name}="{wert}">')

    def handle_data(self, data):
        if self._json:
            json.loads(data)  # a script element must hold valid JSON, not "1.800"

    def handle_endtag(self, tag):
        self._json = False


def lokalisierte_zahlen(html: str) -> list[str]:
    """Attributes a machine reads (URLs, data-*, hx-*, ids, field values) holding a German number."""
    leser = _Leser()
    leser.feed(html)
    return leser.funde


def seiten_mit_lokalisierten_zahlen(client, seiten: dict) -> dict[str, list[str]]:
    """Open each user's pages ({user: [url, …]}) signed in with both factors; url -> findings."""
    from conftest import anmelden

    funde = {}
    for user, urls in seiten.items():
        anmelden(client, user)
        for url in urls:
            antwort = client.get(url)
            assert antwort.status_code == 200, f"{url}: {antwort.status_code}"
            if treffer := lokalisierte_zahlen(antwort.content.decode()):
                funde[url] = treffer
    return funde


class _Formular(HTMLParser):
    """The values a browser would send for the form that contains the field `feld`."""

    def __init__(self, feld: str):
        super().__init__(convert_charrefs=True)
        self.feld, self.werte, self.gefunden = feld, {}, None
        self._aktuell: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._aktuell = {}
        elif self._aktuell is None:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self._aktuell[a["name"]] = a.get("value", "on")
            elif a.get("type") not in ("submit", "button"):
                self._aktuell[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and ("selected" in a or self._select not in self._aktuell):
            self._aktuell[self._select] = a.get("value", "")  # the selected one, else the first
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._aktuell[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._aktuell is not None:
            self._aktuell[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._aktuell is not None:
            if self.feld in self._aktuell and self.gefunden is None:
                self.gefunden = self._aktuell
            self._aktuell = None


def formularwerte(html: str, feld: str) -> dict[str, str]:
    """What the browser would post, unchanged, from the form on the page that has the field `feld`."""
    leser = _Formular(feld)
    leser.feed(html)
    assert leser.gefunden is not None, f"kein Formular mit dem Feld {feld!r}"
    return leser.gefunden
