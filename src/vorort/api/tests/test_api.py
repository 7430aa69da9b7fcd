"""The API: the same need-to-know as the UI, OpenAPI document committed and valid."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import anmelden

from vorort.api.main import api
from vorort.core.models import AuditEvent

pytestmark = pytest.mark.django_db
OPENAPI_FILE = Path(__file__).resolve().parents[1] / "openapi.json"


def test_unauthenticated_and_unverified_requests_get_401(client, sachbearbeiterin_schulz, bg_krause):
    assert client.get("/api/personen", {"q": "Krause"}).status_code == 401
    client.force_login(sachbearbeiterin_schulz)  # password only, no second factor
    assert client.get("/api/personen", {"q": "Krause"}).status_code == 401


def test_search_and_read_only_what_the_user_may_see(
    client, sachbearbeiterin_schulz, bg_krause, bg_mueller, bg_nachbar
):
    anmelden(client, sachbearbeiterin_schulz)
    hits = client.get("/api/personen", {"q": "Krause"}).json()
    assert [(h["person"]["nachname"], h["person"]["vorname"]) for h in hits] == [("Krause", "Karl")]
    krause_id = hits[0]["person"]["id"]
    assert client.get(f"/api/personen/{krause_id}").json()["kundennummer"].startswith("K")
    assert AuditEvent.objects.filter(
        typ=AuditEvent.Typ.PERSON_GELESEN, person_id=krause_id, zweck="API: Person lesen"
    ).exists()

    bg = client.get(f"/api/bedarfsgemeinschaften/{bg_krause.pk}").json()
    assert bg["nummer"] == "15088BG0000042" and [m["rolle"] for m in bg["mitglieder"]] == ["antragsteller"]

    mueller_id = bg_mueller.mitgliedschaften.first().person_id
    nachbar_id = bg_nachbar.mitgliedschaften.get().person_id
    for path in (
        f"/api/personen/{mueller_id}",
        f"/api/personen/{nachbar_id}",
        f"/api/bedarfsgemeinschaften/{bg_mueller.pk}",
        f"/api/bedarfsgemeinschaften/{bg_nachbar.pk}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": response.json()["detail"]}


def test_other_mandant_never_sees_our_data(client, nachbar_nora, bg_krause, bg_nachbar):
    bg_nachbar.team = nachbar_nora.teams.get()
    bg_nachbar.save()
    anmelden(client, nachbar_nora)
    hits = client.get("/api/personen", {"q": "Krause"}).json()
    assert [h["person"]["id"] for h in hits] == [bg_nachbar.mitgliedschaften.get().person_id]
    assert client.get(f"/api/bedarfsgemeinschaften/{bg_krause.pk}").status_code == 404


def test_bad_input_names_the_parameter(client, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.get("/api/personen/abc")
    assert response.status_code == 422
    assert "person_id" in json.dumps(response.json())
    assert "q" in json.dumps(client.get("/api/personen").json())


def test_openapi_document_matches_the_committed_file():
    generated = api.get_openapi_schema()
    text = json.dumps(generated, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        OPENAPI_FILE.write_text(text, encoding="utf-8")
    assert generated["openapi"].startswith("3.")
    assert set(generated["paths"]) >= {
        "/api/personen",
        "/api/personen/{person_id}",
        "/api/bedarfsgemeinschaften/{bg_id}",
    }
    assert OPENAPI_FILE.read_text(encoding="utf-8") == text, (
        "The API changed: run UPDATE_GOLDEN=1 pytest src/vorort/api and review the diff of openapi.json"
    )
