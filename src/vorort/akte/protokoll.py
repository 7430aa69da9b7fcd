"""Sentences for the e-Akte's events in the Protokoll, registered in `AkteConfig.ready()`."""

from __future__ import annotations

from vorort.akte.models import Dokument
from vorort.core.models import AuditEvent
from vorort.core.protokoll import Beschreibung, register_beschreibung

Typ = AuditEvent.Typ


def _titel_laden(mandant_id: int | None, events: list[AuditEvent]) -> dict:
    ids = {e.objekt_id for e in events if e.objekt_typ == "akte.dokument"}
    titel = Dokument.objects.filter(mandant_id=mandant_id, pk__in=ids).values_list("pk", "titel")
    return {"titel": dict(titel)}


def _titel(event: AuditEvent, geladen: dict) -> str:
    return event.details.get("titel") or geladen["titel"].get(event.objekt_id, "")


def registrieren() -> None:
    register_beschreibung(
        Beschreibung(
            frozenset({Typ.DOKUMENT_ABGELEGT}),
            lambda e, g: f"Dokument „{_titel(e, g)}“ in der E-Akte abgelegt",
            laden=_titel_laden,
        )
    )
    register_beschreibung(
        Beschreibung(
            frozenset({Typ.DOKUMENT_GELESEN}),
            lambda e, g: f"Dokument „{_titel(e, g)}“ geöffnet",
            laden=_titel_laden,
        )
    )
