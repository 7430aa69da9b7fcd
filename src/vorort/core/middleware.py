"""Staff must pass the second factor (TOTP) before they see anything but the login pages."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# The API answers 401 itself (vorort.api.auth) instead of redirecting to a login page.
OPEN_PATHS = ("/anmelden/", "/abmelden/", "/zweiter-faktor/", "/static/", "/api/")


class RequireSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.OTP_REQUIRED
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
        ):
            return redirect(f"{reverse('core:zweiter_faktor')}?next={request.get_full_path()}")
        return self.get_response(request)
