from __future__ import annotations

from django.conf import settings

from vorort.core.navigation import navigation_for


def navigation(request) -> dict:
    """Main navigation for the signed-in user; none before the second factor is confirmed."""
    user = getattr(request, "user", None)
    kontext = {"sitzung_sekunden": settings.SESSION_COOKIE_AGE}
    if user is None or not user.is_authenticated:
        return {**kontext, "navigation": []}
    if settings.OTP_REQUIRED and not user.is_verified():
        return {**kontext, "navigation": []}
    return {**kontext, "navigation": navigation_for(user, request.path)}
