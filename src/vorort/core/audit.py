"""Writing and verifying the hash-chained audit log.

`record_event()` is called inside the action's transaction, so an event exists exactly when the
change it describes was committed. Reads of a person's or BG's file are recorded the same way
(`record_read()`). `verify_chains()` recomputes every hash; `vorort audit verify` calls it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import batched
from typing import Any

from django.db import transaction
from django.utils import timezone

from vorort.core.models import AuditBetroffene, AuditChainHead, AuditEvent, Mandant, User
from vorort.core.protokoll import betroffene_of

GENESIS_HASH = "0" * 64


def _canonical(event: AuditEvent, betroffene: Iterable[int]) -> bytes:
    payload = {
        "mandant": event.mandant_id,
        "seq": event.seq,
        "typ": int(event.typ),
        "zeitpunkt": event.zeitpunkt.astimezone(timezone.UTC).isoformat(timespec="microseconds"),
        "acting_user": event.acting_user_id,
        "acting_username": event.acting_username,
        "person": event.person_id,
        "bg": event.bedarfsgemeinschaft_id,
        "objekt_typ": event.objekt_typ,
        "objekt_id": event.objekt_id,
        "zweck": event.zweck,
        "details": event.details,
        "prev": event.prev_hash,
    }
    # The persons the event concerns beyond its own `person`; left out when there are none, so
    # events written before they were recorded keep their hash (decision 0006).
    weitere = sorted(set(betroffene) - {event.person_id})
    if weitere:
        payload["betroffene"] = weitere
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def compute_hash(event: AuditEvent, betroffene: Iterable[int] = ()) -> str:
    return hashlib.sha256(_canonical(event, betroffene)).hexdigest()


def record_event(
    typ: AuditEvent.Typ,
    *,
    acting_user: User | None,
    mandant: Mandant | None = None,
    person_id: int | None = None,
    bedarfsgemeinschaft_id: int | None = None,
    objekt: Any = None,
    zweck: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event to the Mandant's chain (inside the caller's transaction)."""
    if mandant is None and acting_user is not None:
        mandant = acting_user.mandant
    mandant_id = mandant.pk if mandant is not None else None
    with transaction.atomic():
        # The head row is the lock: events of one Mandant are appended one at a time.
        head = AuditChainHead.objects.select_for_update().filter(mandant_id=mandant_id).first()
        if head is None:
            head = AuditChainHead.objects.create(mandant_id=mandant_id)
            head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
        event = AuditEvent(
            mandant_id=mandant_id,
            seq=head.last_seq + 1,
            typ=typ,
            zeitpunkt=timezone.now(),
            acting_user=acting_user,
            acting_username=acting_user.get_username() if acting_user else "",
            person_id=person_id,
            bedarfsgemeinschaft_id=bedarfsgemeinschaft_id,
            objekt_typ=objekt._meta.label_lower if objekt is not None else "",
            objekt_id=objekt.pk if objekt is not None else None,
            zweck=zweck,
            details=json.loads(json.dumps(details or {}, default=str)),
            prev_hash=head.last_hash,
        )
        betroffene = betroffene_of(event, objekt)
        event.hash = compute_hash(event, betroffene)
        event.save()
        AuditBetroffene.objects.bulk_create(
            AuditBetroffene(event=event, person_id=person_id) for person_id in sorted(betroffene)
        )
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    mandant_id: int | None
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"Mandant {self.mandant_id}" if self.mandant_id is not None else "System"
        return (
            f"{where}, Eintrag {self.seq}: {self.message}"
            if self.seq is not None
            else f"{where}: {self.message}"
        )


_ALLE = object()


def verify_chains(mandant_id: int | None | object = _ALLE) -> tuple[int, list[ChainProblem]]:
    """Recompute every chain (or one Mandant's); return the events checked and the problems found."""
    problems: list[ChainProblem] = []
    checked = 0
    heads = {h.mandant_id: h for h in AuditChainHead.objects.all()}
    mandant_ids = set(heads) | set(AuditEvent.objects.values_list("mandant_id", flat=True).distinct())
    if mandant_id is not _ALLE:
        mandant_ids = {mandant_id}
    for mandant_id in sorted(mandant_ids, key=lambda m: (m is not None, m or 0)):
        expected_seq, prev_hash = 1, GENESIS_HASH
        events = AuditEvent.objects.filter(mandant_id=mandant_id).order_by("seq").iterator(chunk_size=5000)
        for event, betroffene in _with_betroffene(events):
            checked += 1
            if event.seq != expected_seq:
                problems.append(
                    ChainProblem(
                        mandant_id,
                        event.seq,
                        f"Lücke oder Einschub: erwartet war Nummer {expected_seq} "
                        "(Einträge gelöscht oder eingefügt).",
                    )
                )
            if event.prev_hash != prev_hash:
                problems.append(
                    ChainProblem(
                        mandant_id, event.seq, "Verkettung gebrochen: der Vorgänger-Hash passt nicht."
                    )
                )
            if compute_hash(event, betroffene) != event.hash:
                problems.append(
                    ChainProblem(
                        mandant_id,
                        event.seq,
                        "Inhalt verändert: der gespeicherte Hash passt nicht zum Inhalt.",
                    )
                )
            if event.person_id and event.person_id not in betroffene:
                problems.append(
                    ChainProblem(
                        mandant_id,
                        event.seq,
                        "Zuordnung zur Person fehlt: der Eintrag ist unter der Person nicht mehr zu finden.",
                    )
                )
            expected_seq, prev_hash = event.seq + 1, event.hash
        head = heads.get(mandant_id)
        if head is None:
            problems.append(ChainProblem(mandant_id, None, "Kettenkopf fehlt."))
        elif head.last_seq != expected_seq - 1 or head.last_hash != prev_hash:
            problems.append(
                ChainProblem(
                    mandant_id,
                    head.last_seq,
                    f"Ende der Kette fehlt: der Kettenkopf nennt Eintrag {head.last_seq}, "
                    f"der letzte vorhandene ist {expected_seq - 1}.",
                )
            )
    return checked, problems


def _with_betroffene(events: Iterable[AuditEvent], chunk: int = 5000):
    """Pair each event with the persons recorded for it (one query per chunk of events)."""
    for gruppe in batched(events, chunk):
        personen: dict[int, list[int]] = {}
        # A range on the (event, person) index, not IN (5000 ids): one index scan per chunk. Rows
        # of other Mandants' events in the range are read and ignored.
        ids = [e.pk for e in gruppe]
        zeilen = AuditBetroffene.objects.filter(event_id__gte=min(ids), event_id__lte=max(ids))
        for event_id, person_id in zeilen.values_list("event_id", "person_id"):
            personen.setdefault(event_id, []).append(person_id)
        for event in gruppe:
            yield event, personen.get(event.pk, [])


EXPORT_SPALTEN = [
    "nummer",
    "zeitpunkt",
    "ereignis",
    "beschreibung",
    "benutzer",
    "name",
    "person_id",
    "person",
    "bg_id",
    "bg",
    "ueber_bg",
    "zweck",
    "details",
]


def events_for_export(zeilen) -> list[dict]:
    """Flatten described events (`core.selectors.protokoll_zeilen`) for the CSV/JSON export.

    The technical record for the data-protection officer: ids, the German description and the
    raw details side by side (Art. 15 DSGVO information, review).
    """
    rows = []
    for zeile in zeilen:
        e = zeile.event
        rows.append(
            {
                "nummer": e.seq,
                "zeitpunkt": timezone.localtime(e.zeitpunkt).strftime("%d.%m.%Y %H:%M:%S"),
                "ereignis": e.get_typ_display(),
                "beschreibung": zeile.beschreibung,
                "benutzer": e.acting_username,
                "name": e.acting_user.get_full_name() if e.acting_user else "",
                "person_id": e.person_id or "",
                "person": zeile.person,
                "bg_id": e.bedarfsgemeinschaft_id or "",
                "bg": zeile.bg,
                "ueber_bg": "ja" if zeile.ueber_bg else "",
                "zweck": e.zweck,
                "details": json.dumps(e.details, ensure_ascii=False),
            }
        )
    return rows


def as_local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%d.%m.%Y %H:%M")
