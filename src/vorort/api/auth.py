"""API authentication: the staff session, with the second factor passed where it is required."""

from __future__ import annotations

from django.conf import settings
from ninja.security import SessionAuth


class VerifiedSessionAuth(SessionAuth):
    """Django session (cookie + CSRF token for writes); the user must have passed TOTP."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if settings.OTP_REQUIRED and not user.is_verified():
            return None
        return user
