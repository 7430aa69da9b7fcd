"""Record logins, logouts and failed logins in the audit log."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from vorort.core.audit import record_event
from vorort.core.models import AuditEvent, User


@receiver(user_logged_in, dispatch_uid="vorort.core.audit_login")
def _login(sender, request, user: User, **kwargs) -> None:
    record_event(AuditEvent.Typ.ANMELDUNG, acting_user=user, zweck="Anmeldung")


@receiver(user_logged_out, dispatch_uid="vorort.core.audit_logout")
def _logout(sender, request, user: User | None, **kwargs) -> None:
    if user is not None:
        record_event(AuditEvent.Typ.ABMELDUNG, acting_user=user, zweck="Abmeldung")


@receiver(user_login_failed, dispatch_uid="vorort.core.audit_login_failed")
def _login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    username = (credentials or {}).get("username", "")
    user = User.objects.filter(username=username).select_related("mandant").first()
    record_event(
        AuditEvent.Typ.ANMELDUNG_FEHLGESCHLAGEN,
        acting_user=None,
        mandant=user.mandant if user else None,
        zweck="Anmeldung",
        details={"benutzername": username[:150]},
    )
