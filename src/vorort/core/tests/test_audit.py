"""The audit log: written in the action's transaction, append-only, tamper-evident."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from vorort.core.audit import record_event, verify_chains
from vorort.core.models import AuditChainHead, AuditEvent, AuditLogIsAppendOnly
from vorort.personen.actions import PersonDaten, create_person
from vorort.personen.models import Person

pytestmark = pytest.mark.django_db


def _drop_triggers() -> None:
    """What an attacker with database rights could do before tampering."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_change ON core_auditevent")


def _three_events(user) -> list[AuditEvent]:
    return [record_event(AuditEvent.Typ.PERSONENSUCHE, acting_user=user, details={"n": i}) for i in range(3)]


def test_action_and_event_commit_together_or_not_at_all(sachbearbeiterin_schulz):
    daten = PersonDaten(vorname="Lena", nachname="Vogel", geburtsdatum=date(1992, 4, 1), geschlecht="w")
    with pytest.raises(RuntimeError), transaction.atomic():
        person = create_person_in_outer_transaction(daten, sachbearbeiterin_schulz)
        assert AuditEvent.objects.filter(person_id=person.pk, typ=AuditEvent.Typ.PERSON_ANGELEGT).exists()
        raise RuntimeError("the caller fails after the action")
    assert not Person.objects.filter(nachname="Vogel").exists()
    assert not AuditEvent.objects.filter(typ=AuditEvent.Typ.PERSON_ANGELEGT).exists()

    person = create_person(daten, acting_user=sachbearbeiterin_schulz)
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.PERSON_ANGELEGT)
    assert (event.person_id, event.acting_user, event.mandant) == (
        person.pk,
        sachbearbeiterin_schulz,
        sachbearbeiterin_schulz.mandant,
    )


def create_person_in_outer_transaction(daten, user):
    # create_person is durable (it refuses to nest); its body is what runs inside a request's
    # transaction, so call the undecorated function to prove event and row share the transaction.
    return create_person.__wrapped__(daten, acting_user=user)


def test_chain_links_each_event_to_its_predecessor(sachbearbeiterin_schulz):
    first, second, third = _three_events(sachbearbeiterin_schulz)
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    head = AuditChainHead.objects.get(mandant=sachbearbeiterin_schulz.mandant)
    assert (head.last_seq, head.last_hash) == (3, third.hash)
    assert verify_chains() == (3, [])


def test_each_mandant_has_its_own_chain(sachbearbeiterin_schulz, nachbar_nora):
    _three_events(sachbearbeiterin_schulz)
    other = record_event(AuditEvent.Typ.PERSONENSUCHE, acting_user=nachbar_nora)
    assert other.seq == 1 and other.mandant == nachbar_nora.mandant
    checked, problems = verify_chains()
    assert (checked, problems) == (4, [])


def test_orm_refuses_to_change_or_delete_events(sachbearbeiterin_schulz):
    event, *_ = _three_events(sachbearbeiterin_schulz)
    event.zweck = "verändert"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(zweck="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


def test_database_triggers_refuse_raw_changes(sachbearbeiterin_schulz):
    event, *_ = _three_events(sachbearbeiterin_schulz)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET zweck = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


@pytest.mark.parametrize("tampering", ["altered", "deleted_middle", "deleted_tail", "inserted"])
def test_audit_verify_detects_tampering(tampering, sachbearbeiterin_schulz, capsys):
    first, second, third = _three_events(sachbearbeiterin_schulz)
    call_command("audit", "verify")
    assert "Protokoll in Ordnung: 3 Einträge" in capsys.readouterr().out

    _drop_triggers()
    with connection.cursor() as cursor:
        if tampering == "altered":
            cursor.execute("UPDATE core_auditevent SET details = %s WHERE id = %s", ['{"n": 99}', second.pk])
        elif tampering == "deleted_middle":
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [second.pk])
        elif tampering == "deleted_tail":
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [third.pk])
        else:
            cursor.execute("UPDATE core_auditevent SET seq = seq + 1 WHERE id = %s", [third.pk])
            cursor.execute(
                "INSERT INTO core_auditevent (mandant_id, seq, typ, zeitpunkt, acting_username, "
                "objekt_typ, zweck, details, prev_hash, hash) SELECT mandant_id, 3, typ, zeitpunkt, "
                "'eindringling', '', 'eingeschoben', details, hash, hash FROM core_auditevent WHERE id = %s",
                [second.pk],
            )

    with pytest.raises(CommandError, match="Protokoll manipuliert"):
        call_command("audit", "verify")
    err = capsys.readouterr().err
    expected = {
        "altered": "Eintrag 2: Inhalt verändert",
        "deleted_middle": "Eintrag 3: Lücke oder Einschub",
        "deleted_tail": "Ende der Kette fehlt",
        "inserted": "Eintrag 3: Inhalt verändert",
    }[tampering]
    assert expected in err


def test_cli_exits_non_zero_on_tampering(tmp_path):
    """`vorort audit verify` as a process on its own SQLite file: 0 when intact, 1 when altered."""
    import sqlite3
    import subprocess
    import sys

    env = {"VORORT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    vorort = [sys.executable, "-m", "vorort.cli"]
    subprocess.run([*vorort, "migrate", "-v0"], env=env, check=True, capture_output=True)
    intact = subprocess.run([*vorort, "audit", "verify"], env=env, capture_output=True, text=True)
    assert intact.returncode == 0, intact.stderr

    with sqlite3.connect(tmp_path / "vorort.sqlite3") as db:  # no trigger stops an INSERT
        db.execute(
            "INSERT INTO core_auditevent (mandant_id, seq, typ, zeitpunkt, acting_username, "
            "objekt_typ, zweck, details, prev_hash, hash) "
            "VALUES (NULL, 1, 201, '2026-11-25 10:00:00', 'x', '', '', '{}', '0000', 'ffff')"
        )
    tampered = subprocess.run([*vorort, "audit", "verify"], env=env, capture_output=True, text=True)
    assert tampered.returncode == 1
    assert "Protokoll manipuliert" in tampered.stderr
