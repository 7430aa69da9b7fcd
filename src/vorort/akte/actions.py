"""Filing documents in the e-Akte."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from vorort.akte.models import Dokument
from vorort.core.audit import record_event
from vorort.core.models import AuditEvent, Mandant, User


@transaction.atomic
def store_dokument(
    *,
    mandant: Mandant,
    inhalt: bytes,
    dateiname: str,
    mime_type: str,
    titel: str,
    art: Dokument.Art,
    acting_user: User | None,
    person=None,
    bedarfsgemeinschaft=None,
) -> Dokument:
    """File `inhalt` as a new immutable Dokument with its SHA-256 and record the event."""
    sha256 = hashlib.sha256(inhalt).hexdigest()
    dokument = Dokument(
        mandant=mandant,
        titel=titel,
        art=art,
        dateiname=dateiname,
        sha256=sha256,
        mime_type=mime_type,
        groesse=len(inhalt),
        person=person,
        bedarfsgemeinschaft=bedarfsgemeinschaft,
        erstellt_von=acting_user,
    )
    dokument.datei.save(f"{mandant.pk}/{sha256[:2]}/{sha256}_{dateiname}", ContentFile(inhalt), save=False)
    dokument.save()
    record_event(
        AuditEvent.Typ.DOKUMENT_ABGELEGT,
        acting_user=acting_user,
        mandant=mandant,
        person_id=person.pk if person else None,
        bedarfsgemeinschaft_id=bedarfsgemeinschaft.pk if bedarfsgemeinschaft else None,
        objekt=dokument,
        details={"titel": titel, "sha256": sha256, "groesse": len(inhalt)},
    )
    return dokument


def verify_dokument(dokument: Dokument) -> bool:
    """True if the stored file still has the checksum recorded when it was filed."""
    with dokument.datei.open("rb") as f:
        return hashlib.sha256(f.read()).hexdigest() == dokument.sha256
