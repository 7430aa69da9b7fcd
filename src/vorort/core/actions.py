"""State changes of staff, teams, the Mandant and second factors: one function each.

Every action checks the permission, refuses to act across Mandanten, writes and records its
audit event in one transaction (STYLE.md §3.1). The admin screens, the CLI and the demo
generator all go through here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.core.audit import record_event
from vorort.core.auskunft import auskunft_kontext, auskunft_zeilen, render_auskunft
from vorort.core.exceptions import NotAllowed, NotFound, require_permission
from vorort.core.models import AuditEvent, Mandant, Rolle, Team, User
from vorort.core.protokoll import verzeichnis

MANDANT_AENDERBAR = (
    "name",
    "traeger",
    "strasse",
    "plz",
    "ort",
    "telefon",
    "email",
    "website",
    "briefkopf",
    "motto",
    "bank_name",
    "iban",
    "bic",
    "glaeubiger_id",
)


def _same_mandant(acting_user: User, obj: User | Team) -> None:
    # Another Mandant's users and teams look as if they did not exist.
    if acting_user.mandant_id is None or obj.mandant_id != acting_user.mandant_id:
        raise NotFound("Nicht gefunden.")


def _teams_of_mandant(acting_user: User, teams: Iterable[Team]) -> list[Team]:
    teams = list(teams)
    if any(t.mandant_id != acting_user.mandant_id for t in teams):
        raise NotAllowed("Teams anderer Jobcenter können nicht zugeordnet werden.")
    return teams


def _set_roles(user: User, rollen: Iterable[Rolle]) -> None:
    names = {Rolle(r).value for r in rollen}
    role_groups = Group.objects.filter(name__in=[r.value for r in Rolle])
    user.groups.remove(*[g for g in role_groups if g.name not in names])
    user.groups.add(*[g for g in role_groups if g.name in names])


# --- Second factor --------------------------------------------------------------------------


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic(durable=True)
def start_totp_enrolment(user: User) -> TOTPDevice:
    """Return the user's pending (unconfirmed) TOTP device, creating one if needed.

    Refused once a confirmed device exists: whoever knows only the password must not be able
    to enrol an authenticator of their own. An administrator resets the factor instead.
    """
    if has_confirmed_device(user):
        raise NotAllowed("Für Ihr Konto ist bereits ein zweiter Faktor eingerichtet.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=False)
    return device


@transaction.atomic(durable=True)
def confirm_totp_device(user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the pending device with a code from the app; record the event. False if wrong."""
    if device.user_id != user.pk or device.confirmed or has_confirmed_device(user):
        raise NotAllowed("Dieser zweite Faktor kann nicht bestätigt werden.")
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(
        AuditEvent.Typ.ZWEITER_FAKTOR_EINGERICHTET,
        acting_user=user,
        objekt=device,
        zweck="Einrichtung zweiter Faktor",
    )
    return True


@transaction.atomic(durable=True)
def reset_second_factor(user: User, *, acting_user: User) -> int:
    """Delete the user's TOTP devices; at the next login they enrol a new one."""
    require_permission(acting_user, "core.manage_users", "zweite Faktoren zurückzusetzen")
    _same_mandant(acting_user, user)
    anzahl, _detail = TOTPDevice.objects.filter(user=user).delete()
    record_event(
        AuditEvent.Typ.BENUTZER_GEAENDERT,
        acting_user=acting_user,
        objekt=user,
        details={"benutzer": user.username, "zweiter_faktor": "zurückgesetzt", "geraete": anzahl},
    )
    return anzahl


# --- Users ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def create_user(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    teams: Iterable[Team] = (),
    rollen: Iterable[Rolle] = (),
    acting_user: User,
) -> User:
    """Create a staff user of the acting administrator's Mandant."""
    require_permission(acting_user, "core.manage_users", "Benutzer/innen anzulegen")
    teams = _teams_of_mandant(acting_user, teams)
    rollen = list(rollen)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {
                "username": f"Der Benutzername „{username}“ ist bereits vergeben. "
                "Bitte wählen Sie einen anderen."
            }
        )
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        mandant_id=acting_user.mandant_id,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.teams.set(teams)
    _set_roles(user, rollen)
    record_event(
        AuditEvent.Typ.BENUTZER_ANGELEGT,
        acting_user=acting_user,
        objekt=user,
        details={
            "benutzer": user.username,
            "teams": [t.kuerzel for t in teams],
            "rollen": [Rolle(r).value for r in rollen],
        },
    )
    return user


@transaction.atomic(durable=True)
def update_user(
    user: User,
    *,
    first_name: str,
    last_name: str,
    email: str,
    is_active: bool,
    teams: Iterable[Team],
    rollen: Iterable[Rolle] | None = None,
    acting_user: User,
) -> User:
    """Change a user's name, e-mail, teams, active flag and (optionally) roles."""
    require_permission(acting_user, "core.manage_users", "Benutzer/innen zu ändern")
    _same_mandant(acting_user, user)
    teams = _teams_of_mandant(acting_user, teams)
    if user.pk == acting_user.pk and not is_active:
        raise ValidationError({"is_active": "Sie können Ihr eigenes Konto nicht deaktivieren."})
    if (
        user.pk == acting_user.pk
        and rollen is not None
        and Rolle.ADMINISTRATION not in {Rolle(r) for r in rollen}
    ):
        raise ValidationError({"rollen": "Sie können sich die Rolle Administration nicht selbst entziehen."})
    alt = _user_snapshot(user)
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email.strip()
    user.is_active = is_active
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "email", "is_active"])
    user.teams.set(teams)
    if rollen is not None:
        _set_roles(user, rollen)
    neu = _user_snapshot(user)
    record_event(
        AuditEvent.Typ.BENUTZER_GEAENDERT,
        acting_user=acting_user,
        objekt=user,
        details={
            "benutzer": user.username,
            "alt": {k: v for k, v in alt.items() if neu[k] != v},
            "neu": {k: v for k, v in neu.items() if alt[k] != v},
        },
    )
    return user


@transaction.atomic(durable=True)
def set_user_roles(user: User, rollen: Iterable[Rolle], *, acting_user: User) -> User:
    """Give the user exactly these roles (Django groups named after `Rolle` values)."""
    require_permission(acting_user, "core.manage_users", "Rollen zu vergeben")
    _same_mandant(acting_user, user)
    rollen = [Rolle(r) for r in rollen]
    if user.pk == acting_user.pk and Rolle.ADMINISTRATION not in rollen:
        raise ValidationError({"rollen": "Sie können sich die Rolle Administration nicht selbst entziehen."})
    alt = sorted(r.value for r in user.rollen)
    _set_roles(user, rollen)
    record_event(
        AuditEvent.Typ.BENUTZER_GEAENDERT,
        acting_user=acting_user,
        objekt=user,
        details={
            "benutzer": user.username,
            "alt": {"rollen": alt},
            "neu": {"rollen": sorted(r.value for r in rollen)},
        },
    )
    return user


def _user_snapshot(user: User) -> dict:
    return {
        "vorname": user.first_name,
        "nachname": user.last_name,
        "email": user.email,
        "aktiv": user.is_active,
        "teams": sorted(user.teams.values_list("kuerzel", flat=True)),
        "rollen": sorted(
            user.groups.filter(name__in=[r.value for r in Rolle]).values_list("name", flat=True)
        ),
    }


# --- Teams and Mandant ----------------------------------------------------------------------


@transaction.atomic(durable=True)
def create_team(*, name: str, kuerzel: str, beschreibung: str = "", acting_user: User) -> Team:
    require_permission(acting_user, "core.manage_users", "Teams anzulegen")
    kuerzel = kuerzel.strip()
    if Team.objects.filter(mandant_id=acting_user.mandant_id, kuerzel__iexact=kuerzel).exists():
        raise ValidationError(
            {"kuerzel": f"Das Kürzel „{kuerzel}“ hat schon ein anderes Team. Bitte wählen Sie ein anderes."}
        )
    team = Team(
        mandant_id=acting_user.mandant_id,
        name=name.strip(),
        kuerzel=kuerzel,
        beschreibung=beschreibung.strip(),
    )
    team.full_clean()
    team.save()
    record_event(
        AuditEvent.Typ.TEAM_ANGELEGT,
        acting_user=acting_user,
        objekt=team,
        details={"name": team.name, "kuerzel": team.kuerzel},
    )
    return team


@transaction.atomic(durable=True)
def update_team(team: Team, *, name: str, kuerzel: str, beschreibung: str = "", acting_user: User) -> Team:
    require_permission(acting_user, "core.manage_users", "Teams zu ändern")
    _same_mandant(acting_user, team)
    kuerzel = kuerzel.strip()
    if (
        Team.objects.filter(mandant_id=acting_user.mandant_id, kuerzel__iexact=kuerzel)
        .exclude(pk=team.pk)
        .exists()
    ):
        raise ValidationError(
            {"kuerzel": f"Das Kürzel „{kuerzel}“ hat schon ein anderes Team. Bitte wählen Sie ein anderes."}
        )
    alt = {"name": team.name, "kuerzel": team.kuerzel, "beschreibung": team.beschreibung}
    team.name, team.kuerzel, team.beschreibung = name.strip(), kuerzel, beschreibung.strip()
    team.full_clean()
    team.save(update_fields=["name", "kuerzel", "beschreibung"])
    neu = {"name": team.name, "kuerzel": team.kuerzel, "beschreibung": team.beschreibung}
    record_event(
        AuditEvent.Typ.TEAM_GEAENDERT, acting_user=acting_user, objekt=team, details={"alt": alt, "neu": neu}
    )
    return team


@transaction.atomic(durable=True)
def update_mandant(aenderungen: dict, *, acting_user: User) -> Mandant:
    """Change the acting user's own Mandant (letterhead, address, bank, Gläubiger-ID)."""
    require_permission(acting_user, "core.manage_mandant", "die Mandantendaten zu ändern")
    unbekannt = set(aenderungen) - set(MANDANT_AENDERBAR)
    if unbekannt:
        raise ValidationError(f"Nicht änderbare Felder: {', '.join(sorted(unbekannt))}")
    mandant = Mandant.objects.select_for_update().get(pk=acting_user.mandant_id)
    alt, neu = {}, {}
    for feld, wert in aenderungen.items():
        if getattr(mandant, feld) != wert:
            alt[feld], neu[feld] = getattr(mandant, feld), wert
            setattr(mandant, feld, wert)
    if not neu:
        return mandant
    mandant.full_clean()
    mandant.save()
    record_event(
        AuditEvent.Typ.MANDANT_GEAENDERT,
        acting_user=acting_user,
        mandant=mandant,
        objekt=mandant,
        details={"alt": alt, "neu": neu},
    )
    return mandant


# --- Audit log (reads that are themselves recorded) ------------------------------------------


@transaction.atomic(durable=True)
def record_protokoll_zugriff(
    *, acting_user: User, export_format: str | None, kriterien: dict, treffer: int
) -> None:
    """Record that the Protokoll was searched or exported, with the filter used."""
    require_permission(acting_user, "core.view_auditlog", "das Protokoll zu durchsuchen")
    typ = AuditEvent.Typ.PROTOKOLL_EXPORTIERT if export_format else AuditEvent.Typ.PROTOKOLL_DURCHSUCHT
    details = {"kriterien": kriterien, "treffer": treffer}
    if export_format:
        details["format"] = export_format
    record_event(typ, acting_user=acting_user, zweck="Datenschutz: Protokoll", details=details)


@transaction.atomic(durable=True)
def create_auskunft(
    person_id: int, *, acting_user: User, von: date | None = None, bis: date | None = None
) -> bytes:
    """Write the Auskunft nach Art. 15 DSGVO for one person and record that it was issued.

    The event names the person, the period, the number of entries and the PDF's SHA-256, so the
    letter sent can be matched later; the PDF itself is not filed in the case file, where
    caseworkers would read who accessed it (decision 0007).
    """
    require_permission(acting_user, "core.view_auditlog", "eine Auskunft aus dem Protokoll zu erstellen")
    empfaenger = verzeichnis().empfaenger(acting_user, person_id)
    if empfaenger is None:
        raise NotFound("Person nicht gefunden.")
    zeilen = auskunft_zeilen(acting_user, person_id, von, bis)
    pdf = render_auskunft(auskunft_kontext(acting_user, empfaenger, zeilen, von, bis))
    kriterien = {"person": empfaenger.kennung} | {
        k: v.isoformat() for k, v in (("von", von), ("bis", bis)) if v
    }
    record_event(
        AuditEvent.Typ.PROTOKOLL_EXPORTIERT,
        acting_user=acting_user,
        person_id=person_id,
        zweck="Datenschutz: Auskunft nach Art. 15 DSGVO",
        details={
            "format": "pdf",
            "kriterien": kriterien,
            "treffer": len(zeilen),
            "sha256": hashlib.sha256(pdf).hexdigest(),
        },
    )
    return pdf
