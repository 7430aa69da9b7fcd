"""Views of core: login with password and TOTP, lockout, start page, Protokoll, administration."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
import time_machine
from conftest import anmelden
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core.models import AuditChainHead, AuditEvent, Rolle, Team, User
from vorort.core.tests.factories import TEST_PASSWORD, TeamFactory, UserFactory
from vorort.personen.selectors import access_person_by_id


def aktueller_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


# --- Login and second factor ---------------------------------------------------------------


def test_login_with_password_then_totp_reaches_the_start_page(client, sachbearbeiterin_schulz):
    device = TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)

    antwort = client.post(reverse("core:login"), {"username": "schulz", "password": TEST_PASSWORD})
    assert antwort.status_code == 302
    assert antwort["Location"].startswith("/zweiter-faktor/")

    # Password alone is not enough: every other page sends the user back to the second factor.
    antwort = client.get(reverse("core:start"))
    assert antwort.status_code == 302
    assert antwort["Location"].startswith("/zweiter-faktor/?next=/")
    antwort = client.get(reverse("personen:suche"), {"q": "Krause"})
    assert antwort["Location"].startswith("/zweiter-faktor/")

    antwort = client.post(
        reverse("core:zweiter_faktor"), {"code": "000000" if aktueller_code(device) != "000000" else "111111"}
    )
    assert antwort.status_code == 200
    assert "Der Code stimmt nicht" in antwort.content.decode()

    # A wrong code throttles the device for a moment (django-otp); the right code works after it.
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        antwort = client.post(reverse("core:zweiter_faktor"), {"code": aktueller_code(device), "next": "/"})
    assert antwort.status_code == 302
    assert antwort["Location"] == "/"
    antwort = client.get(reverse("core:start"))
    assert antwort.status_code == 200
    assert "Meine Aufgaben" in antwort.content.decode()
    assert AuditEvent.objects.filter(
        typ=AuditEvent.Typ.ANMELDUNG, acting_user=sachbearbeiterin_schulz
    ).exists()


def test_wrong_password_shows_german_message_and_keeps_username(client, sachbearbeiterin_schulz):
    antwort = client.post(reverse("core:login"), {"username": "schulz", "password": "falsch"})
    html = antwort.content.decode()
    assert antwort.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in html
    assert 'value="schulz"' in html


def test_lockout_after_five_failures_shows_german_page(client, sachbearbeiterin_schulz):
    for _ in range(5):
        client.post(reverse("core:login"), {"username": "schulz", "password": "falsch"})
    # Even the right password is refused now.
    antwort = client.post(reverse("core:login"), {"username": "schulz", "password": TEST_PASSWORD})
    assert antwort.status_code in (403, 429)
    assert "Konto vorübergehend gesperrt" in antwort.content.decode()
    assert not client.session.get("_auth_user_id")


def test_user_without_device_enrols_totp_and_event_is_recorded(client, sachbearbeiterin_schulz):
    antwort = client.post(reverse("core:login"), {"username": "schulz", "password": TEST_PASSWORD})
    assert antwort["Location"].startswith("/zweiter-faktor/einrichten/")
    assert client.get(reverse("core:zweiter_faktor"))["Location"].startswith("/zweiter-faktor/einrichten/")

    seite = client.get(reverse("core:zweiter_faktor_einrichten"))
    html = seite.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=sachbearbeiterin_schulz, confirmed=False)
    assert seite.context["geheimnis"].replace(" ", "") in html.replace(" ", "")

    antwort = client.post(reverse("core:zweiter_faktor_einrichten"), {"code": "12345"})
    assert "Der Code besteht aus genau 6 Ziffern." in antwort.content.decode()

    antwort = client.post(reverse("core:zweiter_faktor_einrichten"), {"code": aktueller_code(device)})
    assert antwort.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.ZWEITER_FAKTOR_EINGERICHTET)
    assert event.acting_user == sachbearbeiterin_schulz
    assert client.get(reverse("core:start")).status_code == 200


def test_password_alone_cannot_enrol_a_second_device(client, sachbearbeiterin_schulz):
    TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    client.post(reverse("core:login"), {"username": "schulz", "password": TEST_PASSWORD})
    antwort = client.get(reverse("core:zweiter_faktor_einrichten"))
    assert antwort["Location"].startswith("/zweiter-faktor/?next=")
    assert TOTPDevice.objects.filter(user=sachbearbeiterin_schulz).count() == 1


def test_logout_needs_post(client, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    assert client.get(reverse("core:logout")).status_code == 405
    antwort = client.post(reverse("core:logout"))
    assert antwort.status_code == 302
    assert client.get(reverse("core:start"))["Location"].startswith("/anmelden/")


def _sitzung_daten(html: str) -> dict | None:
    treffer = re.search(r'<script id="sitzung-daten" type="application/json">(.*?)</script>', html)
    return json.loads(treffer.group(1)) if treffer else None


def test_idle_timeout_reaches_the_script_as_json(client, sachbearbeiterin_schulz):
    # USE_THOUSAND_SEPARATOR wrote 1800 as "1.800" into a data attribute, which parseInt read
    # as 1: everybody was sent to the login page six seconds after each page load (issue 8).
    anmelden(client, sachbearbeiterin_schulz)
    daten = _sitzung_daten(client.get(reverse("core:start")).content.decode())
    assert daten == {
        "sekunden": 1800,
        "verlaengern_url": reverse("core:sitzung_verlaengern"),
        "abgelaufen_url": "/anmelden/?abgelaufen=1",
    }


def test_half_signed_in_pages_carry_no_idle_timer(client, sachbearbeiterin_schulz):
    TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    assert _sitzung_daten(client.get(reverse("core:login")).content.decode()) is None
    client.post(reverse("core:login"), {"username": "schulz", "password": TEST_PASSWORD})
    antwort = client.get(reverse("core:zweiter_faktor"))
    assert "Code bestätigen" in antwort.content.decode()
    assert _sitzung_daten(antwort.content.decode()) is None


def test_keep_alive_extends_the_session_and_idleness_ends_it(client, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    beginn = timezone.now()
    assert client.get(reverse("core:start")).status_code == 200
    # 25 minutes of typing without a page request: the script renews the session.
    with time_machine.travel(beginn + timedelta(minutes=25), tick=False):
        antwort = client.post(reverse("core:sitzung_verlaengern"))
    assert antwort.status_code == 200
    assert antwort.json() == {"sekunden": 1800}
    # 50 minutes after the last page, 25 after the renewal: still signed in.
    with time_machine.travel(beginn + timedelta(minutes=50), tick=False):
        assert client.get(reverse("core:start")).status_code == 200
    # 31 minutes without any request: the session is gone, the renewal too says so.
    with time_machine.travel(beginn + timedelta(minutes=81), tick=False):
        assert client.post(reverse("core:sitzung_verlaengern")).status_code == 401
        assert client.get(reverse("core:start"))["Location"].startswith("/anmelden/")


def test_keep_alive_needs_post_csrf_and_both_factors(sachbearbeiterin_schulz):
    client = Client(enforce_csrf_checks=True)
    url = reverse("core:sitzung_verlaengern")
    client.get(reverse("core:login"))
    token = client.cookies["csrftoken"].value
    assert client.post(url, headers={"X-CSRFToken": token}).status_code == 401  # nobody signed in
    TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    client.post(
        reverse("core:login"), {"username": "schulz", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token}
    )
    token = client.cookies["csrftoken"].value
    # Password alone: sent to the second factor, the keep-alive does not answer.
    assert client.post(url, headers={"X-CSRFToken": token})["Location"].startswith("/zweiter-faktor/")
    anmelden(client, sachbearbeiterin_schulz)
    token = client.cookies["csrftoken"].value
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token
    assert client.post(url, headers={"X-CSRFToken": token}).status_code == 200


def test_login_page_explains_idle_logout(client):
    html = client.get(reverse("core:login"), {"abgelaufen": "1"}).content.decode()
    assert "Sie wurden nach 30 Minuten ohne Aktivität abgemeldet." in html
    assert "abgemeldet" not in client.get(reverse("core:login")).content.decode()
    assert 'lang="de"' in html


# --- Start page and layout -----------------------------------------------------------------


def test_start_page_shows_panels_per_role(
    client, sachbearbeiterin_schulz, datenschutz_wagner, admin_adam, bg_krause, bg_mueller
):
    anmelden(client, sachbearbeiterin_schulz)
    html = client.get(reverse("core:start")).content.decode()
    assert "Bedarfsgemeinschaften meines Teams" in html
    assert "15088BG0000042" in html
    assert "Krause, Karl" in html  # a BG is named by its members, not only its number
    assert "15088BG0000043" not in html  # team Leistung 2
    assert "Protokoll durchsuchen" not in html

    anmelden(client, datenschutz_wagner)
    html = client.get(reverse("core:start")).content.decode()
    assert "Protokollkette vollständig und unverändert" in html
    assert "Bedarfsgemeinschaften meines Teams" not in html

    anmelden(client, admin_adam)
    html = client.get(reverse("core:start")).content.decode()
    assert "Benutzer/innen verwalten" in html


def test_start_page_lists_recently_opened_files(client, sachbearbeiterin_schulz, bg_krause):
    person = bg_krause.mitgliedschaften.get().person
    access_person_by_id(sachbearbeiterin_schulz, person.pk, zweck="Personenakte")
    anmelden(client, sachbearbeiterin_schulz)
    html = client.get(reverse("core:start")).content.decode()
    assert reverse("personen:person", args=[person.pk]) in html


def test_controlling_sees_counts_only(client, testkreis, bg_krause, bg_mueller):
    controlling = UserFactory(mandant=testkreis, rollen=[Rolle.CONTROLLING])
    anmelden(client, controlling)
    antwort = client.get(reverse("core:start"))
    assert antwort.status_code == 200
    kennzahlen = next(k for k in antwort.context["kacheln"] if k["kachel"].key == "kennzahlen")
    assert kennzahlen["kontext"] == {"bgs_gesamt": 2, "bgs_aktiv": 2, "personen": 3}
    assert (
        client.get(reverse("personen:person", args=[bg_krause.mitgliedschaften.get().person_id])).status_code
        == 404
    )


def test_navigation_depends_on_role(client, sachbearbeiterin_schulz, teamleitung_weber, datenschutz_wagner):
    anmelden(client, sachbearbeiterin_schulz)
    labels = [e["label"] for e in client.get(reverse("core:start")).context["navigation"]]
    assert labels == ["Meine Aufgaben", "Personensuche", "Person anlegen", "Arbeitsvorrat Leistung"]
    anmelden(client, teamleitung_weber)
    labels = [e["label"] for e in client.get(reverse("core:start")).context["navigation"]]
    assert labels == [
        "Meine Aufgaben",
        "Personensuche",
        "Person anlegen",
        "Arbeitsvorrat Leistung",
        "Zahlläufe",
    ]
    anmelden(client, datenschutz_wagner)
    navigation = client.get(reverse("core:protokoll")).context["navigation"]
    assert [(e["label"], e["current"]) for e in navigation] == [
        ("Meine Aufgaben", False),
        ("Protokoll", True),
    ]


def test_error_pages_are_german(client, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.get("/gibt-es-nicht/")
    assert antwort.status_code == 404
    assert "Seite nicht gefunden" in antwort.content.decode()
    antwort = client.get(reverse("core:protokoll"))
    assert antwort.status_code == 403
    assert "Keine Berechtigung" in antwort.content.decode()


def test_pages_have_no_inline_scripts_or_styles(client, sachbearbeiterin_schulz, bg_krause):
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.get(reverse("core:start"))
    html = antwort.content.decode()
    assert "<script>" not in html and "style=" not in html and "onclick" not in html
    assert "script-src 'self'" in antwort["Content-Security-Policy"]


# --- Datenschutz: Protokoll ----------------------------------------------------------------


@pytest.fixture
def gelesen(sachbearbeiterin_schulz, bg_krause):
    """Frau Schulz opened Herr Krause's file."""
    person = bg_krause.mitgliedschaften.get().person
    access_person_by_id(sachbearbeiterin_schulz, person.pk, zweck="Personenakte")
    return person


def test_protokoll_finds_reads_by_kundennummer_and_records_the_search(
    client, datenschutz_wagner, gelesen, bg_mueller
):
    anmelden(client, datenschutz_wagner)
    antwort = client.get(reverse("core:protokoll"), {"person": gelesen.kundennummer})
    assert antwort.status_code == 200
    events = [z.event for z in antwort.context["seite"].object_list]
    assert [e.typ for e in events] == [AuditEvent.Typ.PERSON_GELESEN]
    html = antwort.content.decode()
    assert "Personenakte geöffnet" in html
    assert "Krause, Karl" in html
    assert "Protokollkette vollständig und unverändert" in html
    suche = AuditEvent.objects.filter(typ=AuditEvent.Typ.PROTOKOLL_DURCHSUCHT).get()
    assert suche.acting_user == datenschutz_wagner
    assert suche.details["kriterien"] == {"person": gelesen.kundennummer}


def test_protokoll_filters_by_user_type_and_period(client, datenschutz_wagner, sachbearbeiter_braun, gelesen):
    anmelden(client, datenschutz_wagner)
    antwort = client.get(reverse("core:protokoll"), {"benutzer": sachbearbeiter_braun.username})
    assert list(antwort.context["seite"].object_list) == []
    antwort = client.get(
        reverse("core:protokoll"), {"typ": AuditEvent.Typ.PERSON_GELESEN, "von": "01.01.2020"}
    )
    assert len(antwort.context["seite"].object_list) == 1
    antwort = client.get(reverse("core:protokoll"), {"von": "02.01.2020", "bis": "01.01.2020"})
    assert "Das Ende des Zeitraums liegt vor dem Anfang" in antwort.content.decode()


def test_protokoll_export_csv_contains_the_read_and_is_recorded(client, datenschutz_wagner, gelesen):
    anmelden(client, datenschutz_wagner)
    antwort = client.get(reverse("core:protokoll_export", args=["csv"]), {"person": gelesen.kundennummer})
    assert antwort.status_code == 200
    assert antwort["Content-Disposition"].startswith('attachment; filename="protokoll-')
    zeilen = list(csv.DictReader(io.StringIO(antwort.content.decode("utf-8-sig")), delimiter=";"))
    assert len(zeilen) == 1
    assert zeilen[0]["ereignis"] == "Personenakte geöffnet"
    assert zeilen[0]["benutzer"] == "schulz"
    assert zeilen[0]["name"] == "Sabine Schulz"
    assert zeilen[0]["person_id"] == str(gelesen.pk)
    assert zeilen[0]["zweck"] == "Personenakte"
    export = AuditEvent.objects.get(typ=AuditEvent.Typ.PROTOKOLL_EXPORTIERT)
    assert export.details["format"] == "csv"
    assert export.details["treffer"] == 1

    antwort = client.get(reverse("core:protokoll_export", args=["json"]), {"person": gelesen.kundennummer})
    daten = json.loads(antwort.content)
    assert [d["ereignis"] for d in daten] == ["Personenakte geöffnet"]


def test_protokoll_needs_permission_and_never_shows_other_mandant(
    client, sachbearbeiterin_schulz, nachbar_nora, gelesen, nachbarkreis
):
    anmelden(client, sachbearbeiterin_schulz)
    assert client.get(reverse("core:protokoll")).status_code == 403
    assert client.get(reverse("core:protokoll_export", args=["csv"])).status_code == 403

    nachbar_datenschutz = UserFactory(mandant=nachbarkreis, rollen=[Rolle.DATENSCHUTZ])
    anmelden(client, nachbar_datenschutz)
    antwort = client.get(reverse("core:protokoll"), {"person": gelesen.kundennummer})
    assert list(antwort.context["seite"].object_list) == []
    antwort = client.get(reverse("core:protokoll"))
    assert all(z.event.mandant_id == nachbarkreis.pk for z in antwort.context["seite"].object_list)
    assert "Krause" not in antwort.content.decode()
    zeilen = client.get(reverse("core:protokoll_export", args=["json"])).content
    assert b"schulz" not in zeilen


def test_protokoll_shows_a_broken_chain_in_red(client, datenschutz_wagner, gelesen, testkreis):
    anmelden(client, datenschutz_wagner)
    assert (
        "Protokollkette vollständig und unverändert" in client.get(reverse("core:protokoll")).content.decode()
    )
    # The head names one more event than exists, as if the newest entry had been deleted; the
    # next event (this search) then leaves a gap in the numbering.
    AuditChainHead.objects.filter(mandant=testkreis).update(last_seq=F("last_seq") + 1)
    html = client.get(reverse("core:protokoll")).content.decode()
    assert "Protokollkette beschädigt: 1 Unstimmigkeit" in html
    assert "Lücke oder Einschub" in html


# --- Administration ------------------------------------------------------------------------


def test_admin_creates_user_with_roles_and_teams(client, admin_adam, team_leistung_1):
    anmelden(client, admin_adam)
    antwort = client.post(
        reverse("core:benutzer_neu"),
        {
            "username": "neumann",
            "first_name": "Nina",
            "last_name": "Neumann",
            "email": "nn@example.de",
            "password": "Ein-langes-Startpasswort-1",
            "teams": [team_leistung_1.pk],
            "rollen": [Rolle.LEISTUNG.value],
        },
    )
    assert antwort.status_code == 302
    neu = User.objects.get(username="neumann")
    assert neu.mandant_id == admin_adam.mandant_id
    assert neu.rollen == [Rolle.LEISTUNG]
    assert list(neu.teams.all()) == [team_leistung_1]
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.BENUTZER_ANGELEGT)
    assert event.acting_user == admin_adam
    assert event.objekt_id == neu.pk


def test_admin_form_keeps_values_and_explains_errors(client, admin_adam, sachbearbeiterin_schulz):
    anmelden(client, admin_adam)
    antwort = client.post(
        reverse("core:benutzer_neu"),
        {
            "username": "schulz",
            "first_name": "Sonja",
            "last_name": "",
            "password": "kurz",
        },
    )
    html = antwort.content.decode()
    assert antwort.status_code == 200
    assert "Bitte geben Sie den Nachnamen ein." in html
    assert 'value="Sonja"' in html
    assert 'aria-describedby="id_last_name-fehler"' in html


def test_admin_cannot_touch_another_mandants_users_or_teams(client, admin_adam, nachbar_nora):
    anmelden(client, admin_adam)
    assert client.get(reverse("core:benutzer_bearbeiten", args=[nachbar_nora.pk])).status_code == 404
    antwort = client.post(
        reverse("core:benutzer_bearbeiten", args=[nachbar_nora.pk]),
        {
            "first_name": "Gehackt",
            "last_name": "Nachbar",
            "is_active": "",
        },
    )
    assert antwort.status_code == 404
    nachbar_nora.refresh_from_db()
    assert nachbar_nora.first_name == "Nora" and nachbar_nora.is_active
    fremdes_team = nachbar_nora.teams.get()
    assert client.get(reverse("core:team_bearbeiten", args=[fremdes_team.pk])).status_code == 404
    assert "Nachbar" not in client.get(reverse("core:benutzer_liste")).content.decode()


def test_admin_edits_user_and_resets_second_factor(
    client, admin_adam, sachbearbeiterin_schulz, team_leistung_2
):
    TOTPDevice.objects.create(user=sachbearbeiterin_schulz, name="App", confirmed=True)
    anmelden(client, admin_adam)
    antwort = client.post(
        reverse("core:benutzer_bearbeiten", args=[sachbearbeiterin_schulz.pk]),
        {
            "first_name": "Sabine",
            "last_name": "Schulz-Meier",
            "email": "",
            "is_active": "on",
            "teams": [team_leistung_2.pk],
            "rollen": [Rolle.LEISTUNG.value, Rolle.TEAMLEITUNG.value],
        },
    )
    assert antwort.status_code == 302
    sachbearbeiterin_schulz.refresh_from_db()
    assert sachbearbeiterin_schulz.last_name == "Schulz-Meier"
    assert set(sachbearbeiterin_schulz.rollen) == {Rolle.LEISTUNG, Rolle.TEAMLEITUNG}
    assert list(sachbearbeiterin_schulz.teams.all()) == [team_leistung_2]

    client.post(reverse("core:zweiten_faktor_zuruecksetzen", args=[sachbearbeiterin_schulz.pk]))
    assert not TOTPDevice.objects.filter(user=sachbearbeiterin_schulz).exists()
    assert (
        AuditEvent.objects.filter(
            typ=AuditEvent.Typ.BENUTZER_GEAENDERT, details__zweiter_faktor="zurückgesetzt"
        ).count()
        == 1
    )


def test_admin_creates_team_and_edits_mandant(client, admin_adam, testkreis):
    anmelden(client, admin_adam)
    client.post(reverse("core:team_neu"), {"name": "Integration 1", "kuerzel": "I1"})
    assert Team.objects.filter(mandant=testkreis, kuerzel="I1").exists()
    antwort = client.post(reverse("core:team_neu"), {"name": "Doppelt", "kuerzel": "I1"})
    assert "Das Kürzel „I1“ hat schon ein anderes Team" in antwort.content.decode()

    daten = {f: getattr(testkreis, f) for f in ("name", "strasse", "plz", "ort", "bic")}
    antwort = client.post(
        reverse("core:mandant"), {**daten, "motto": "Gemeinsam weiter.", "iban": "DE00 1234"}
    )
    assert "Die IBAN DE001234 ist ungültig" in antwort.content.decode()
    antwort = client.post(
        reverse("core:mandant"),
        {**daten, "motto": "Gemeinsam weiter.", "iban": "DE89 3704 0044 0532 0130 00"},
    )
    assert antwort.status_code == 302
    testkreis.refresh_from_db()
    assert testkreis.motto == "Gemeinsam weiter."
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.MANDANT_GEAENDERT).count() == 1
    assert "vorort — Gemeinsam weiter." in client.get(reverse("core:start")).content.decode()


def test_staff_without_admin_role_cannot_open_administration(client, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    for name in ("core:benutzer_liste", "core:team_liste", "core:mandant", "core:benutzer_neu"):
        assert client.get(reverse(name)).status_code == 403, name
    assert TeamFactory._meta.model.objects.count() == 1
