"""Security settings that must hold in every deployment."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher


def test_passwords_are_hashed_with_argon2_at_full_cost(tmp_path):
    """Production's hasher, not the suite's cheap one: a fresh process with the plain settings."""
    code = (
        "import django; django.setup(); from django.contrib.auth.hashers import make_password; "
        "print(make_password('Sommer2026!'))"
    )
    hash_ = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "vorort.settings", "VORORT_DATA_DIR": str(tmp_path)},
    ).stdout.strip()
    assert identify_hasher(hash_).algorithm == "argon2"
    argon2 = Argon2PasswordHasher
    kosten = f"m={argon2.memory_cost},t={argon2.time_cost},p={argon2.parallelism}"
    assert hash_.split("$")[3] == kosten, f"{hash_}: Argon2 with less than Django's default cost"


def test_idle_sessions_end_after_30_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_strict_csp_header_on_every_response(client):
    response = client.get("/anmelden/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("env", "secure"), [({}, True), ({"VORORT_DEBUG": "1"}, False)])
def test_cookies_are_secure_outside_debug(env, secure, tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.OTP_REQUIRED)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "vorort.settings", "VORORT_DATA_DIR": str(tmp_path), **env},
    ).stdout.split()
    assert out == [str(secure), str(secure), "True"]
