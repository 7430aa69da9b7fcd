"""Errors that actions and selectors raise; views turn them into German messages or 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404


class NotFound(Http404):
    """Missing and forbidden look the same, so ids of other teams' cases cannot be probed."""


class NotAllowed(PermissionDenied):
    """The user may see the record but not do this to it."""


class InvalidTransition(Exception):
    def __init__(self, von, nach, grund: str = "") -> None:
        self.von, self.nach = von, nach
        super().__init__(grund or f"Übergang von '{von}' nach '{nach}' ist nicht erlaubt.")


def require_permission(user, perm: str, was: str) -> None:
    """Raise NotAllowed with a German message unless the user's roles grant `perm`.

    `was` completes the sentence "Sie haben keine Berechtigung, …", e.g. "Personen anzulegen".
    """
    if not user.has_perm(perm):
        raise NotAllowed(f"Sie haben keine Berechtigung, {was}.")
