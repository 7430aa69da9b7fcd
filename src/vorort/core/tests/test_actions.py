"""Actions of core: staff, teams, Mandant, second factor; each checks, writes and audits."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core import actions
from vorort.core.exceptions import NotAllowed, NotFound
from vorort.core.models import AuditEvent, Rolle, Team, User
from vorort.core.tests.test_views import aktueller_code


def test_create_user_records_event_and_refuses_foreign_teams(admin_adam, team_leistung_1, nachbar_nora):
    user = actions.create_user(
        username="neu",
        first_name="N",
        last_name="Neu",
        email="",
        teams=[team_leistung_1],
        password="Ein-langes-Startpasswort-1",
        rollen=[Rolle.INTEGRATION],
        acting_user=admin_adam,
    )
    assert user.mandant_id == admin_adam.mandant_id
    assert user.rollen == [Rolle.INTEGRATION]
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.BENUTZER_ANGELEGT)
    assert event.details == {"benutzer": "neu", "teams": ["L1"], "rollen": ["integration"]}

    with pytest.raises(NotAllowed):  # same setup: a team of the neighbouring Mandant
        actions.create_user(
            username="neu2",
            first_name="N",
            last_name="Neu",
            email="",
            teams=[nachbar_nora.teams.get()],
            password="Ein-langes-Startpasswort-1",
            acting_user=admin_adam,
        )
    with pytest.raises(ValidationError, match="bereits vergeben"):
        actions.create_user(
            username="NEU",
            first_name="N",
            last_name="Neu",
            email="",
            password="Ein-langes-Startpasswort-1",
            acting_user=admin_adam,
        )
    assert not User.objects.filter(username="neu2").exists()


def test_admin_cannot_act_on_another_mandant_or_without_permission(
    admin_adam, nachbar_nora, sachbearbeiterin_schulz
):
    with pytest.raises(NotFound):
        actions.update_user(
            nachbar_nora,
            first_name="X",
            last_name="Y",
            email="",
            is_active=False,
            teams=[],
            acting_user=admin_adam,
        )
    with pytest.raises(NotFound):
        actions.reset_second_factor(nachbar_nora, acting_user=admin_adam)
    with pytest.raises(NotFound):
        actions.update_team(nachbar_nora.teams.get(), name="X", kuerzel="X", acting_user=admin_adam)
    with pytest.raises(NotAllowed):
        actions.set_user_roles(
            admin_adam, [Rolle.ADMINISTRATION, Rolle.DATENSCHUTZ], acting_user=sachbearbeiterin_schulz
        )
    nachbar_nora.refresh_from_db()
    assert nachbar_nora.is_active and nachbar_nora.first_name == "Nora"
    assert not AuditEvent.objects.filter(typ=AuditEvent.Typ.BENUTZER_GEAENDERT).exists()


def test_admin_cannot_lock_themselves_out(admin_adam):
    with pytest.raises(ValidationError, match="eigenes Konto"):
        actions.update_user(
            admin_adam,
            first_name="A",
            last_name="B",
            email="",
            is_active=False,
            teams=[],
            acting_user=admin_adam,
        )
    with pytest.raises(ValidationError, match="Administration nicht selbst"):
        actions.set_user_roles(admin_adam, [Rolle.DATENSCHUTZ], acting_user=admin_adam)
    assert admin_adam.rollen == [Rolle.ADMINISTRATION]


def test_set_user_roles_records_old_and_new(admin_adam, sachbearbeiterin_schulz):
    actions.set_user_roles(sachbearbeiterin_schulz, [Rolle.TEAMLEITUNG], acting_user=admin_adam)
    assert sachbearbeiterin_schulz.rollen == [Rolle.TEAMLEITUNG]
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.BENUTZER_GEAENDERT)
    assert event.details["alt"] == {"rollen": ["leistung"]}
    assert event.details["neu"] == {"rollen": ["teamleitung"]}


def test_teams_unique_kuerzel_per_mandant(admin_adam, team_leistung_1):
    team = actions.create_team(name="Integration", kuerzel="I1", acting_user=admin_adam)
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.TEAM_ANGELEGT, objekt_id=team.pk).exists()
    with pytest.raises(ValidationError, match="Kürzel „l1“"):
        actions.update_team(team, name="Integration", kuerzel="l1", acting_user=admin_adam)
    team.refresh_from_db()
    assert team.kuerzel == "I1"
    assert Team.objects.filter(mandant=admin_adam.mandant).count() == 2


def test_update_mandant_only_own_and_only_known_fields(admin_adam, testkreis):
    actions.update_mandant(
        {"motto": "Stark. Sozial. Vor Ort.", "glaeubiger_id": "DE98ZZZ09999999999"}, acting_user=admin_adam
    )
    testkreis.refresh_from_db()
    assert testkreis.glaeubiger_id == "DE98ZZZ09999999999"
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.MANDANT_GEAENDERT)
    assert event.details["neu"]["motto"] == "Stark. Sozial. Vor Ort."
    with pytest.raises(ValidationError, match="kurzname"):
        actions.update_mandant({"kurzname": "anders"}, acting_user=admin_adam)


def test_totp_enrolment_confirms_once(sachbearbeiterin_schulz):
    device = actions.start_totp_enrolment(sachbearbeiterin_schulz)
    assert actions.start_totp_enrolment(sachbearbeiterin_schulz) == device  # the pending one is reused
    assert not actions.confirm_totp_device(
        sachbearbeiterin_schulz, device, "000000" if aktueller_code(device) != "000000" else "111111"
    )
    assert not AuditEvent.objects.filter(typ=AuditEvent.Typ.ZWEITER_FAKTOR_EINGERICHTET).exists()
    device.throttle_reset()
    assert actions.confirm_totp_device(sachbearbeiterin_schulz, device, aktueller_code(device))
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.ZWEITER_FAKTOR_EINGERICHTET).count() == 1
    with pytest.raises(NotAllowed):
        actions.start_totp_enrolment(sachbearbeiterin_schulz)


def test_reset_second_factor(admin_adam, sachbearbeiterin_schulz):
    TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    assert actions.reset_second_factor(sachbearbeiterin_schulz, acting_user=admin_adam) == 1
    assert not actions.has_confirmed_device(sachbearbeiterin_schulz)
