"""Sentences for core's own audit events (access, staff, configuration, the Protokoll itself)."""

from __future__ import annotations

from vorort.core.models import AuditEvent, Mandant, Rolle, Team, User
from vorort.core.protokoll import Beschreibung, datum_text, felder_text, register_beschreibung

Typ = AuditEvent.Typ

KRITERIEN = {
    "person": "Person",
    "bg": "BG",
    "benutzer": "Benutzer/in",
    "typ": "Ereignis",
    "von": "von",
    "bis": "bis",
}


def _kriterien(kriterien: dict) -> str:
    teile = []
    for schluessel, wert in kriterien.items():
        if schluessel == "typ" and wert in Typ.values:
            wert = Typ(wert).label
        elif schluessel in ("von", "bis"):
            wert = datum_text(wert)
        teile.append(f"{KRITERIEN.get(schluessel, schluessel)} „{wert}“")
    return ", ".join(teile) if teile else "ohne Filter"


def _protokoll(event: AuditEvent, geladen: dict) -> str:
    d = event.details
    treffer = d.get("treffer", 0)
    if event.typ == Typ.PROTOKOLL_EXPORTIERT:
        art = "Auskunft (PDF)" if d.get("format") == "pdf" else str(d.get("format", "")).upper()
        return f"Protokoll exportiert als {art}: {_kriterien(d.get('kriterien', {}))}; {treffer} Einträge"
    return f"Protokoll durchsucht: {_kriterien(d.get('kriterien', {}))}; {treffer} Treffer"


def _rollen(werte: list[str]) -> str:
    return ", ".join(str(Rolle(w).label) if w in Rolle.values else w for w in werte) or "keine"


def _benutzer_angelegt(event: AuditEvent, geladen: dict) -> str:
    d = event.details
    teams = ", ".join(d.get("teams", [])) or "keine"
    rollen = _rollen(d.get("rollen", []))
    return f"Benutzer/in {d.get('benutzer', '')} angelegt; Rollen: {rollen}; Teams: {teams}"


def _benutzer_geaendert(event: AuditEvent, geladen: dict) -> str:
    d = event.details
    if d.get("zweiter_faktor"):
        return f"Zweiter Faktor von {d.get('benutzer', '')} zurückgesetzt"
    alt, neu = dict(d.get("alt", {})), dict(d.get("neu", {}))
    if "rollen" in alt or "rollen" in neu:
        alt_rollen, neu_rollen = alt.pop("rollen", []), neu.pop("rollen", [])
        text = f"Rollen von {d.get('benutzer', '')}: {_rollen(alt_rollen)} → {_rollen(neu_rollen)}"
        return text + (f"; {felder_text(User, alt, neu)}" if alt or neu else "")
    return f"Benutzer/in {d.get('benutzer', '')} geändert: {felder_text(User, alt, neu)}"


def _fest(text: str):
    return lambda event, geladen: text


BESCHREIBUNGEN = [
    Beschreibung(frozenset({Typ.ANMELDUNG}), _fest("Angemeldet mit Passwort und zweitem Faktor")),
    Beschreibung(
        frozenset({Typ.ANMELDUNG_FEHLGESCHLAGEN}),
        lambda e, g: f"Anmeldung mit dem Benutzernamen „{e.details.get('benutzername', '')}“ fehlgeschlagen",
    ),
    Beschreibung(frozenset({Typ.ABMELDUNG}), _fest("Abgemeldet")),
    Beschreibung(
        frozenset({Typ.ZWEITER_FAKTOR_EINGERICHTET}), _fest("Zweiten Faktor (Authenticator-App) eingerichtet")
    ),
    Beschreibung(frozenset({Typ.ZUGRIFF_VERWEIGERT}), _fest("Zugriff verweigert: keine Berechtigung")),
    Beschreibung(frozenset({Typ.BENUTZER_ANGELEGT}), _benutzer_angelegt),
    Beschreibung(frozenset({Typ.BENUTZER_GEAENDERT}), _benutzer_geaendert),
    Beschreibung(
        frozenset({Typ.TEAM_ANGELEGT}),
        lambda e, g: f"Team {e.details.get('name', '')} ({e.details.get('kuerzel', '')}) angelegt",
    ),
    Beschreibung(
        frozenset({Typ.TEAM_GEAENDERT}),
        lambda e, g: (
            "Team geändert: " + felder_text(Team, e.details.get("alt", {}), e.details.get("neu", {}))
        ),
    ),
    Beschreibung(
        frozenset({Typ.MANDANT_GEAENDERT}),
        lambda e, g: (
            "Mandantendaten geändert: "
            + felder_text(Mandant, e.details.get("alt", {}), e.details.get("neu", {}))
        ),
    ),
    Beschreibung(frozenset({Typ.PROTOKOLL_DURCHSUCHT, Typ.PROTOKOLL_EXPORTIERT}), _protokoll),
    Beschreibung(
        frozenset({Typ.DEMO_ERZEUGT}),
        lambda e, g: f"Demo-Landkreis erzeugt (Startwert {e.details.get('seed', '')})",
    ),
]


def registrieren() -> None:
    for beschreibung in BESCHREIBUNGEN:
        register_beschreibung(beschreibung)
