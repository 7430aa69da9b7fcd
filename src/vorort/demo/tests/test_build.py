"""Building the demo Mandanten: idempotent, deterministic, separated, with working logins."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice
from schwifty import IBAN

from vorort.core.models import AuditEvent, Mandant, Rolle, User
from vorort.demo import logins
from vorort.demo.build import KREIS_KURZNAME, NACHBAR_KURZNAME, build_demo
from vorort.demo.teile.personal import DEMO_LOGINS
from vorort.demo.tests.conftest import KLEIN, build_and_export
from vorort.personen.models import Bankverbindung, Bedarfsgemeinschaft, Beschaeftigung, Person


def _counts() -> dict[str, int]:
    return {
        "mandanten": Mandant.objects.count(),
        "benutzer": User.objects.count(),
        "bgs": Bedarfsgemeinschaft.objects.count(),
        "personen": Person.objects.count(),
        "ereignisse": AuditEvent.objects.filter(typ=AuditEvent.Typ.DEMO_ERZEUGT).count(),
    }


def test_second_build_changes_nothing_and_says_so(demo_klein):
    before = _counts()
    again = build_demo(seed=7, scale=KLEIN)
    assert not again.erzeugt
    assert (again.seed, again.scale) == (7, KLEIN)
    assert _counts() == before
    other = build_demo(seed=8, scale=KLEIN)
    assert not other.erzeugt and "neue Datenbank" in other.meldung(8, KLEIN)
    assert _counts() == before


def test_build_records_one_event_per_mandant(demo_klein):
    events = AuditEvent.objects.filter(typ=AuditEvent.Typ.DEMO_ERZEUGT).select_related("mandant")
    assert sorted(e.mandant.kurzname for e in events) == [NACHBAR_KURZNAME, KREIS_KURZNAME]
    kreis = next(e for e in events if e.mandant.kurzname == KREIS_KURZNAME)
    assert kreis.details["seed"] == 7 and kreis.details["teile"][:2] == ["personal", "personen"]
    assert kreis.details["anzahl"]["bedarfsgemeinschaften"] == round(6583 * KLEIN)


def test_same_seed_gives_identical_export_and_another_seed_does_not(db, tmp_path):
    first = build_and_export(tmp_path / "a", seed=3)
    second = build_and_export(tmp_path / "b", seed=3)
    third = build_and_export(tmp_path / "c", seed=4)
    assert first == second
    assert first != third


def test_neighbour_county_has_own_staff_and_data_is_separated(demo_klein):
    nachbar = Mandant.objects.get(kurzname=NACHBAR_KURZNAME)
    kreis = Mandant.objects.get(kurzname=KREIS_KURZNAME)
    assert 2 <= User.objects.filter(mandant=nachbar).count() <= 3
    assert 24 <= Bedarfsgemeinschaft.objects.filter(mandant=nachbar).count() <= 60
    schulz = User.objects.get(username="schulz")
    nachbar_user = User.objects.get(username="nachbar")
    assert Bedarfsgemeinschaft.objects.visible_to(schulz).exists()
    assert not Bedarfsgemeinschaft.objects.visible_to(schulz).filter(mandant=nachbar).exists()
    assert Bedarfsgemeinschaft.objects.visible_to(nachbar_user).exists()
    assert not Bedarfsgemeinschaft.objects.visible_to(nachbar_user).filter(mandant=kreis).exists()
    assert not Person.objects.visible_to(nachbar_user).filter(mandant=kreis).exists()


def test_every_role_has_staff_and_the_named_logins_exist(demo_klein):
    kreis = Mandant.objects.get(kurzname=KREIS_KURZNAME)
    for rolle in Rolle:
        assert User.objects.filter(mandant=kreis, groups__name=rolle.value).exists(), rolle
    assert [row[0] for row in logins()] == [c.username for c in DEMO_LOGINS]
    schulz = User.objects.get(username="schulz")
    assert schulz.rollen == [Rolle.LEISTUNG]
    assert list(schulz.teams.values_list("name", flat=True)) == ["Leistung Merseburg 1"]
    assert schulz.check_password("Vorort-Demo-2025")
    assert Bedarfsgemeinschaft.objects.filter(sachbearbeitung=schulz).exists()


def test_every_demo_user_has_a_confirmed_totp_device(demo_klein):
    users = User.objects.filter(mandant__kurzname__startswith="demo-")
    assert users.count() == TOTPDevice.objects.filter(user__in=users, confirmed=True).count()


def test_demo_code_prints_a_code_the_device_accepts(demo_klein):
    out = io.StringIO()
    call_command("demo_code", "schulz", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    device = TOTPDevice.objects.get(user__username="schulz")
    assert device.verify_token(code)
    assert not device.verify_token(f"{(int(code) + 1) % 1_000_000:06d}")


def test_demo_code_refuses_unknown_users_and_other_mandanten(demo_klein):
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("demo_code", "niemand")
    echt = Mandant.objects.create(name="Jobcenter Echt", kurzname="echt")
    user = User.objects.create_user("echt.user", mandant=echt)
    TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    with pytest.raises(CommandError, match="nicht zu einem Demo-Mandanten"):
        call_command("demo_code", "echt.user")


def test_stored_facts_are_valid(demo_klein):
    ibans = list(Bankverbindung.objects.values_list("iban", flat=True))
    assert ibans and len(set(ibans)) == len(ibans)
    for iban in ibans:
        IBAN(iban, validate_bban=True)
    assert Beschaeftigung.objects.exists()
    assert all(b.netto_m <= b.brutto_m for b in Beschaeftigung.objects.all())
    person = Person.objects.filter(nachname="Müller").first() or Person.objects.first()
    assert person.name_suche and person.nachname_phonetik


def test_demo_command_builds_prints_logins_and_is_idempotent(db, tmp_path):
    out = io.StringIO()
    call_command(
        "demo", "--no-serve", "--scale", str(KLEIN), "--seed", "9", "--export", str(tmp_path), stdout=out
    )
    text = out.getvalue()
    assert "Demo-Landkreis erzeugt" in text
    assert "schulz" in text and "Vorort-Demo-2025" in text and "demo_code schulz" in text
    assert (tmp_path / "persons.csv").exists() and (tmp_path / "bgs.csv").exists()
    before = _counts()
    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale", str(KLEIN), "--seed", "9", stdout=out)
    assert "besteht bereits" in out.getvalue()
    assert _counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "abc"], "--scale 'abc'"),
        (["--scale", "-2"], "--scale '-2'"),
        (["--seed", "x"], "--seed 'x'"),
        (["--scale", "national"], "--parquet"),
    ],
)
def test_demo_command_names_bad_arguments(db, args, message):
    with pytest.raises(CommandError) as excinfo:
        call_command("demo", "--no-serve", *args)
    assert message in str(excinfo.value)
    assert not Mandant.objects.filter(kurzname=KREIS_KURZNAME).exists()
