"""The document store: immutable files with checksum, filed and audited."""

from __future__ import annotations

import hashlib

import pytest

from vorort.akte.actions import store_dokument, verify_dokument
from vorort.akte.models import Dokument, DokumentUnveraenderlich
from vorort.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_store_files_content_with_checksum_and_event(sachbearbeiterin_schulz, bg_krause):
    inhalt = b"%PDF-1.7 Bewilligungsbescheid"
    dokument = store_dokument(
        mandant=bg_krause.mandant,
        inhalt=inhalt,
        dateiname="bescheid.pdf",
        mime_type="application/pdf",
        titel="Bewilligungsbescheid",
        art=Dokument.Art.BESCHEID,
        acting_user=sachbearbeiterin_schulz,
        bedarfsgemeinschaft=bg_krause,
    )
    assert dokument.sha256 == hashlib.sha256(inhalt).hexdigest()
    assert (dokument.groesse, dokument.mime_type) == (len(inhalt), "application/pdf")
    with dokument.datei.open("rb") as f:
        assert f.read() == inhalt
    assert verify_dokument(dokument)
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.DOKUMENT_ABGELEGT)
    assert (event.bedarfsgemeinschaft_id, event.objekt_id, event.details["sha256"]) == (
        bg_krause.pk,
        dokument.pk,
        dokument.sha256,
    )


def test_filed_documents_cannot_change_and_tampering_shows(sachbearbeiterin_schulz, bg_krause):
    dokument = store_dokument(
        mandant=bg_krause.mandant,
        inhalt=b"original",
        dateiname="brief.txt",
        mime_type="text/plain",
        titel="Anschreiben",
        art=Dokument.Art.ANSCHREIBEN,
        acting_user=sachbearbeiterin_schulz,
        bedarfsgemeinschaft=bg_krause,
    )
    dokument.titel = "anders"
    with pytest.raises(DokumentUnveraenderlich):
        dokument.save()
    with open(dokument.datei.path, "wb") as f:
        f.write(b"manipuliert")
    assert not verify_dokument(dokument)


def test_documents_follow_the_visibility_of_their_bg(
    sachbearbeiterin_schulz, sachbearbeiter_braun, nachbar_nora, bg_krause
):
    dokument = store_dokument(
        mandant=bg_krause.mandant,
        inhalt=b"x",
        dateiname="a.txt",
        mime_type="text/plain",
        titel="A",
        art=Dokument.Art.ANSCHREIBEN,
        acting_user=sachbearbeiterin_schulz,
        bedarfsgemeinschaft=bg_krause,
    )
    assert list(Dokument.objects.visible_to(sachbearbeiterin_schulz)) == [dokument]
    assert not Dokument.objects.visible_to(sachbearbeiter_braun).exists()
    assert not Dokument.objects.visible_to(nachbar_nora).exists()
