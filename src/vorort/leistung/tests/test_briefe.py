"""Letters: rendered as tagged PDF, filed with their checksum, key content checked in the extracted text."""

from __future__ import annotations

import datetime
import hashlib
import subprocess

import pytest

from vorort.akte.models import Dokument
from vorort.core.models import AuditEvent
from vorort.leistung import actions
from vorort.leistung.erklaerung import euro
from vorort.leistung.models import Schreiben, Unterlage
from vorort.leistung.tests.faelle import erwartet_bg


def _text(dokument: Dokument) -> str:
    with dokument.datei.open("rb") as f:
        pdf = f.read()
    assert hashlib.sha256(pdf).hexdigest() == dokument.sha256
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Tagged:          yes" in info, "an accessible, tagged PDF"
    return " ".join(text.decode().split())


def test_bewilligungsbescheid_explains_the_amount(
    bewilligung_v01, sachbearbeiterin_schulz, testkreis, fall_v01
):
    schreiben = actions.create_bescheid(bewilligung_v01, acting_user=sachbearbeiterin_schulz)
    assert schreiben.art == Schreiben.Art.BEWILLIGUNGSBESCHEID
    dokument = schreiben.dokument
    assert dokument.art == Dokument.Art.BESCHEID
    assert dokument.bedarfsgemeinschaft_id == bewilligung_v01.bedarfsgemeinschaft_id
    text = _text(dokument)
    assert testkreis.name in text
    assert "Karl Krause" in text
    von, bis = bewilligung_v01.von, bewilligung_v01.bis
    assert f"vom {von:%d.%m.%Y} bis {bis:%d.%m.%Y}" in text
    assert f"insgesamt {euro(erwartet_bg(fall_v01, 'zahlbetrag_m'))}" in text
    assert euro(erwartet_bg(fall_v01, "regelbedarf_m")) in text
    assert euro(erwartet_bg(fall_v01, "kdu_anerkannt_m")) in text
    for zitat in ("§ 20 Abs. 1a", "§ 22 Abs. 1", "§ 41 Abs. 3 SGB II", "§ 41 Abs. 2 SGB II"):
        assert zitat in text, zitat
    assert "Rechtsstand: Bürgergeld, Stand 01.01.2023" in text  # V01 is in March 2023
    assert "Rechtsbehelfsbelehrung" in text
    assert "innerhalb eines Monats nach Bekanntgabe Widerspruch" in text
    assert "§ 84 Abs. 1 Sozialgerichtsgesetz" in text
    assert f"{testkreis.strasse}, {testkreis.plz} {testkreis.ort}" in text
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.BESCHEID_ERSTELLT, objekt_id=schreiben.pk).exists()


def test_unterlagenanforderung_names_documents_and_deadline(antrag_v01, sachbearbeiterin_schulz):
    frist = datetime.date(2026, 12, 15)
    actions.add_unterlage(
        antrag_v01,
        acting_user=sachbearbeiterin_schulz,
        bezeichnung="Kontoauszüge der letzten drei Monate",
        frist=frist,
    )
    actions.add_unterlage(
        antrag_v01, acting_user=sachbearbeiterin_schulz, bezeichnung="Mietvertrag", frist=frist
    )
    schreiben = actions.request_unterlagen(antrag_v01, acting_user=sachbearbeiterin_schulz)
    text = _text(schreiben.dokument)
    assert "Kontoauszüge der letzten drei Monate" in text
    assert "Mietvertrag" in text
    assert "bis zum 15.12.2026" in text
    assert "§ 60 Abs. 1 SGB I" in text
    assert "§ 66 Abs. 1 und 3 SGB I" in text
    assert not Unterlage.objects.filter(angefordert_am__isnull=True).exists()


def test_no_request_without_missing_documents(antrag_v01, sachbearbeiterin_schulz):
    with pytest.raises(Exception, match="keine Unterlagen"):
        actions.request_unterlagen(antrag_v01, acting_user=sachbearbeiterin_schulz)
    assert not Schreiben.objects.exists()
