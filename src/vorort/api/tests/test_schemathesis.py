"""No request a client can send gets a 5xx: Schemathesis against the committed OpenAPI document.

The schema is the committed `openapi.json` (what clients read), the app the real WSGI stack with
its middleware, a logged-in Teamleitung with her second factor, and a BG with an Antrag, a
Berechnung and a Bewilligung waiting for release, so that valid ids exist besides random ones.
Examples are bounded and derandomised: the run is the same every time and takes seconds.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import schemathesis
from conftest import anmelden
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings

from vorort.leistung import actions

OPENAPI_FILE = Path(__file__).resolve().parents[1] / "openapi.json"

schema = schemathesis.openapi.from_dict(json.loads(OPENAPI_FILE.read_text(encoding="utf-8")))
schema.app = get_wsgi_application()
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)


@pytest.fixture(autouse=True)
def verbindung_bleibt_offen():
    """Keep the test's database connection open across the WSGI calls, as Django's test client does.

    Before and after each request Django closes connections it deems unusable; inside the test's
    transaction that is every PostgreSQL connection (SQLite's in-memory one is never closed).
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def sitzung(client, teamleitung_weber, sachbearbeiterin_schulz, bg_krause):
    """Cookies and CSRF header of a verified session, and real ids to find among the random ones."""
    antrag = actions.create_antrag(
        bg_krause,
        acting_user=sachbearbeiterin_schulz,
        antragsdatum=date(2026, 11, 2),
        kaltmiete_m=Decimal("400.00"),
        heizkosten_m=Decimal("80.00"),
        iban="DE89370400440532013000",
    )
    berechnung = actions.compute_berechnung(antrag, acting_user=sachbearbeiterin_schulz)
    actions.prepare_bewilligung(berechnung, acting_user=sachbearbeiterin_schulz)
    anmelden(client, teamleitung_weber)
    token = get_random_string(32)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


@pytest.mark.django_db
@schema.include(tag_regex="Leistung|Personen").parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_request_gets_a_server_error(case, sitzung):
    response = case.call(cookies=sitzung["cookies"], headers=sitzung["headers"])
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, response.text[:500])
    if response.status_code in (400, 403, 404, 409, 422):  # the API's own answers: one German sentence
        detail = response.json()["detail"]
        assert isinstance(detail, str) and detail, response.text


@pytest.mark.django_db
def test_the_run_is_logged_in_and_finds_the_fixtures(sitzung, bg_krause):
    """Without this, a lost session would make every example a harmless 401."""
    case = schema["/api/bedarfsgemeinschaften/{bg_id}/berechnungen"]["GET"].Case(
        path_parameters={"bg_id": bg_krause.pk}
    )
    response = case.call(cookies=sitzung["cookies"], headers=sitzung["headers"])
    assert response.status_code == 200 and len(response.json()) == 1
