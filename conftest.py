"""The cast of personas every test can use (like Zulip's hamlet): see STYLE.md §3.11.

Jobcenter Testkreis: team "Leistung 1" (Frau Schulz, Leistung; Frau Weber, Teamleitung),
team "Leistung 2" (Herr Braun, Leistung), Frau Wagner (Datenschutz), Herr Admin
(Administration). Jobcenter Nachbarkreis: Frau Nachbar (Leistung) — she must never see
anything of the Testkreis.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core.models import Rolle
from vorort.core.tests.factories import MandantFactory, TeamFactory, UserFactory
from vorort.personen.models import Rolle as BgRolle
from vorort.personen.tests.factories import (
    BedarfsgemeinschaftFactory,
    MitgliedschaftFactory,
    PersonFactory,
)

pytest_plugins = ["vorort.core.tests.browser"]


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "vorort.core.tests.hashers.FastArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture(autouse=True)
def _data_dir_in_tmp(settings, tmp_path_factory):
    """Every test keeps its files (documents, SEPA files, letters) in its own temporary folder.

    `var/` holds the demo's database and document store; a test never writes there (checked
    after the run by `pytest_sessionfinish`).
    """
    settings.DATA_DIR = tmp_path_factory.mktemp("data")  # apart from `tmp_path`, which is the test's own
    settings.MEDIA_ROOT = settings.DATA_DIR / "dokumente"


def _var_stand(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Every file under the data directory with size and modification time, by relative path.

    The SQLite database files are left out: a server started from this checkout may write them
    while the suite runs, and tests never open them (pytest-django gives them a test database).
    """
    stand = {}
    for pfad in data_dir.rglob("*"):
        if pfad.is_file() and not pfad.name.startswith("vorort.sqlite3"):
            stat = pfad.stat()
            stand[str(pfad.relative_to(data_dir))] = (stat.st_size, stat.st_mtime_ns)
    return stand


def pytest_sessionstart(session):
    if hasattr(session.config, "workerinput"):
        return  # with xdist, the controller takes the listing once for all workers
    from django.conf import settings

    session.config.vorort_var = (Path(settings.DATA_DIR), _var_stand(Path(settings.DATA_DIR)))


def pytest_sessionfinish(session):
    if not hasattr(session.config, "vorort_var"):
        return
    data_dir, vorher = session.config.vorort_var
    nachher = _var_stand(data_dir)
    geaendert = sorted(
        name for name in vorher.keys() | nachher.keys() if vorher.get(name) != nachher.get(name)
    )
    if geaendert:
        liste = "\n  ".join(geaendert[:20])
        session.config.get_terminal_writer().line(
            f"The tests wrote into {data_dir} (the demo's data); use temporary storage instead:\n  {liste}",
            red=True,
        )
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


SHARED = Path(__file__).resolve().parent.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The `../shared` folder beside the repository, for tests marked `shared` (see pyproject.toml).

    Only those tests read it: the product and the rest of the suite live from the repository alone.
    They run only when asked for (`-m shared`; `.ci/run` asks only when the folder exists), so a
    missing folder then is an error, not a silent skip.
    """
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} not found: the checks against the shared profile and law contract need it")
    return SHARED


def anmelden(client, user) -> TOTPDevice:
    """Log the user in with both factors, as after a real login with a correct TOTP code."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def login_verified(client):
    """`login_verified(user)` logs `client` in with password and second factor."""

    def login(user):
        anmelden(client, user)
        return client

    return login


@pytest.fixture
def testkreis(db):
    return MandantFactory(name="Jobcenter Testkreis", kurzname="testkreis")


@pytest.fixture
def nachbarkreis(db):
    return MandantFactory(name="Jobcenter Nachbarkreis", kurzname="nachbarkreis", kreisschluessel="15089")


@pytest.fixture
def team_leistung_1(testkreis):
    return TeamFactory(mandant=testkreis, name="Leistung 1", kuerzel="L1")


@pytest.fixture
def team_leistung_2(testkreis):
    return TeamFactory(mandant=testkreis, name="Leistung 2", kuerzel="L2")


@pytest.fixture
def sachbearbeiterin_schulz(testkreis, team_leistung_1):
    return UserFactory(
        mandant=testkreis,
        username="schulz",
        first_name="Sabine",
        last_name="Schulz",
        rollen=[Rolle.LEISTUNG],
        teams=[team_leistung_1],
    )


@pytest.fixture
def sachbearbeiter_braun(testkreis, team_leistung_2):
    return UserFactory(
        mandant=testkreis,
        username="braun",
        first_name="Bernd",
        last_name="Braun",
        rollen=[Rolle.LEISTUNG],
        teams=[team_leistung_2],
    )


@pytest.fixture
def teamleitung_weber(testkreis, team_leistung_1):
    return UserFactory(
        mandant=testkreis,
        username="weber",
        first_name="Waltraud",
        last_name="Weber",
        rollen=[Rolle.TEAMLEITUNG],
        teams=[team_leistung_1],
    )


@pytest.fixture
def datenschutz_wagner(testkreis):
    return UserFactory(
        mandant=testkreis,
        username="wagner",
        first_name="Wiebke",
        last_name="Wagner",
        rollen=[Rolle.DATENSCHUTZ],
    )


@pytest.fixture
def admin_adam(testkreis):
    return UserFactory(
        mandant=testkreis,
        username="adam",
        first_name="Adam",
        last_name="Admin",
        rollen=[Rolle.ADMINISTRATION],
    )


@pytest.fixture
def nachbar_nora(nachbarkreis):
    team = TeamFactory(mandant=nachbarkreis, name="Leistung Nachbar", kuerzel="LN")
    return UserFactory(
        mandant=nachbarkreis,
        username="nachbar",
        first_name="Nora",
        last_name="Nachbar",
        rollen=[Rolle.LEISTUNG, Rolle.TEAMLEITUNG],
        teams=[team],
    )


@pytest.fixture
def bg_krause(testkreis, team_leistung_1):
    """BG of Herr Krause (single), zuständig: team Leistung 1."""
    bg = BedarfsgemeinschaftFactory(mandant=testkreis, team=team_leistung_1, nummer="15088BG0000042")
    MitgliedschaftFactory(
        bedarfsgemeinschaft=bg,
        rolle=BgRolle.ANTRAGSTELLER,
        person=PersonFactory(
            mandant=testkreis,
            vorname="Karl",
            nachname="Krause",
            geburtsdatum=datetime.date(1979, 5, 4),
            geschlecht="m",
        ),
    )
    return bg


@pytest.fixture
def bg_mueller(testkreis, team_leistung_2):
    """BG of Frau Müller and her son, zuständig: team Leistung 2."""
    bg = BedarfsgemeinschaftFactory(mandant=testkreis, team=team_leistung_2, nummer="15088BG0000043")
    MitgliedschaftFactory(
        bedarfsgemeinschaft=bg,
        rolle=BgRolle.ANTRAGSTELLER,
        person=PersonFactory(
            mandant=testkreis, vorname="Jana", nachname="Müller", geburtsdatum=datetime.date(1990, 7, 1)
        ),
    )
    MitgliedschaftFactory(
        bedarfsgemeinschaft=bg,
        rolle=BgRolle.KIND,
        erwerbsfaehig=False,
        person=PersonFactory(
            mandant=testkreis,
            vorname="Leon",
            nachname="Müller",
            geburtsdatum=datetime.date(2016, 2, 9),
            geschlecht="m",
        ),
    )
    return bg


@pytest.fixture
def bg_nachbar(nachbarkreis):
    """A BG of the other Mandant."""
    bg = BedarfsgemeinschaftFactory(mandant=nachbarkreis, nummer="15089BG0000001")
    MitgliedschaftFactory(
        bedarfsgemeinschaft=bg,
        person=PersonFactory(
            mandant=nachbarkreis,
            vorname="Karl",
            nachname="Krause",
            geburtsdatum=datetime.date(1979, 5, 4),
            geschlecht="m",
        ),
    )
    return bg


@pytest.fixture(autouse=True)
def _audit_triggers_for_transactional_tests(request):
    """Let transactional tests (live server, browser) flush the tables after them.

    Flushing deletes every row, which the append-only triggers refuse on SQLite (PostgreSQL
    flushes with TRUNCATE, which row triggers do not see). So around such a test the triggers
    are dropped for the flush and put back before the next test.
    """
    transactional = "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = transactional or bool(marker and marker.kwargs.get("transaction"))
    if not transactional:
        yield
        return
    import importlib

    from django.db import connection

    triggers = [
        importlib.import_module(f"vorort.core.migrations.{name}")
        for name in ("0002_auditevent_append_only_triggers", "0006_auditbetroffene")
    ]
    request.getfixturevalue("transactional_db")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in (s for t in triggers for s in t.SQLITE_UP):
                cursor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in (s for t in triggers for s in t.SQLITE_DOWN):
                cursor.execute(statement.replace("DROP TRIGGER", "DROP TRIGGER IF EXISTS"))
