"""Login, second factor, logout, keeping an active session alive, and the start page.

Flow: password (`anmelden`, locked by django-axes after 5 failures) -> TOTP code
(`zweiter_faktor`) or, without a confirmed device, enrolment (`zweiter_faktor_einrichten`)
-> start page. `RequireSecondFactorMiddleware` keeps unverified users on these pages.
"""

from __future__ import annotations

import base64
import io

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core.actions import confirm_totp_device, has_confirmed_device, start_totp_enrolment
from vorort.core.forms import AnmeldeForm, CodeForm
from vorort.core.start_panels import kacheln_for


def _safe_next(request: HttpRequest) -> str:
    ziel = request.POST.get("next") or request.GET.get("next") or ""
    if ziel and url_has_allowed_host_and_scheme(
        ziel, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ziel
    return reverse("core:start")


def _with_next(url_name: str, ziel: str) -> str:
    return f"{reverse(url_name)}?next={ziel}"


class AnmeldenView(auth_views.LoginView):
    template_name = "core/anmelden.html"
    authentication_form = AnmeldeForm

    def get_context_data(self, **kwargs):
        kontext = super().get_context_data(**kwargs)
        kontext["abgelaufen"] = "abgelaufen" in self.request.GET
        kontext["sitzungsdauer"] = _dauer(settings.SESSION_COOKIE_AGE)
        return kontext

    def get_success_url(self) -> str:
        ziel = _safe_next(self.request)
        if has_confirmed_device(self.request.user):
            return _with_next("core:zweiter_faktor", ziel)
        if settings.OTP_REQUIRED:
            return _with_next("core:zweiter_faktor_einrichten", ziel)
        return ziel


@login_required
@require_http_methods(["GET", "POST"])
def zweiter_faktor(request: HttpRequest) -> HttpResponse:
    """Ask for the TOTP code of the user's confirmed device."""
    ziel = _safe_next(request)
    if request.user.is_verified():
        return redirect(ziel)
    geraete = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not geraete:
        return redirect(_with_next("core:zweiter_faktor_einrichten", ziel))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for geraet in geraete:
            if django_otp.verify_token(request.user, geraet.persistent_id, form.cleaned_data["code"]):
                django_otp.login(request, geraet)
                return redirect(ziel)
        form.add_error(
            "code",
            "Der Code stimmt nicht oder ist abgelaufen. Bitte geben Sie den aktuellen "
            "Code aus Ihrer Authenticator-App ein. Nach mehreren Fehlversuchen müssen Sie "
            "kurz warten.",
        )
    return render(request, "core/zweiter_faktor.html", {"form": form, "next": ziel})


@login_required
@require_http_methods(["GET", "POST"])
def zweiter_faktor_einrichten(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: QR code and Base32 secret, then confirm with a code."""
    ziel = _safe_next(request)
    if has_confirmed_device(request.user):
        return redirect(_with_next("core:zweiter_faktor", ziel))
    geraet = start_totp_enrolment(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_totp_device(request.user, geraet, form.cleaned_data["code"]):
            django_otp.login(request, geraet)
            messages.success(
                request,
                "Der zweite Faktor ist eingerichtet. Bei der nächsten Anmeldung "
                "fragen wir nach dem Code aus Ihrer App.",
            )
            return redirect(ziel)
        form.add_error(
            "code",
            "Der Code stimmt nicht. Bitte prüfen Sie, ob die Uhrzeit Ihres Telefons "
            "stimmt, und geben Sie den aktuell angezeigten Code ein.",
        )
    return render(
        request,
        "core/zweiter_faktor_einrichten.html",
        {
            "form": form,
            "next": ziel,
            "qr_data_uri": _qr_data_uri(geraet.config_url),
            "geheimnis": _gruppiert(base64.b32encode(geraet.bin_key).decode()),
        },
    )


def _qr_data_uri(text: str) -> str:
    # A data: URI image, not inline SVG markup: the CSP allows `img-src data:` and the SVG's own
    # attributes then cannot trip `style-src`.
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _gruppiert(geheimnis: str) -> str:
    return " ".join(geheimnis[i : i + 4] for i in range(0, len(geheimnis), 4))


def _dauer(sekunden: int) -> str:
    """30 * 60 -> "30 Minuten"; a test's short session in seconds."""
    if sekunden % 60:
        return f"{sekunden} Sekunden"
    minuten = sekunden // 60
    return "1 Minute" if minuten == 1 else f"{minuten} Minuten"


class AbmeldenView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@require_POST
def sitzung_verlaengern(request: HttpRequest) -> HttpResponse:
    """Keep the session of a user who is typing alive; it only extends on requests.

    vorort.js calls this at most once a minute while there is keyboard or mouse input, so an
    unsaved form is not lost at the idle timeout. SESSION_SAVE_EVERY_REQUEST renews the expiry;
    the answer names no person and changes no data, so no audit event (decision 0302).
    """
    user = request.user
    if not user.is_authenticated or (settings.OTP_REQUIRED and not user.is_verified()):
        return JsonResponse({"fehler": "Sie sind nicht mehr angemeldet."}, status=401)
    return JsonResponse({"sekunden": request.session.get_expiry_age()})


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "core/start.html", {"kacheln": kacheln_for(request.user)})
