from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from vorort.core.navigation import navigation_for


def _angemeldet(user) -> bool:
    """Signed in with both factors (or with the password alone where no second factor is required)."""
    if user is None or not user.is_authenticated:
        return False
    return not settings.OTP_REQUIRED or user.is_verified()


def navigation(request) -> dict:
    """Main navigation for the signed-in user; none before the second factor is confirmed."""
    user = getattr(request, "user", None)
    if not _angemeldet(user):
        return {"navigation": []}
    return {"navigation": navigation_for(user, request.path)}


def sitzung(request) -> dict:
    """What vorort.js needs for the idle timeout, rendered as JSON (never as a localised number).

    Only for a fully signed-in user: the login and second-factor pages show no social data and
    carry no timer (docs/decisions/0302-idle-timeout-and-keep-alive.md).
    """
    if not _angemeldet(getattr(request, "user", None)):
        return {}
    return {
        "sitzung": {
            "sekunden": settings.SESSION_COOKIE_AGE,
            "verlaengern_url": reverse("core:sitzung_verlaengern"),
            "abgelaufen_url": f"{reverse('core:login')}?abgelaufen=1",
        }
    }
