"""The e-Akte's document store: immutable files with their checksum.

Every letter, payment file and report the system produces is filed here (ARCHITECTURE.md,
"Files"). A later issue adds the Aktenplan, OCR, full-text search and retention.
"""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vorort.core.models import MandantModel, User


class DokumentQuerySet(models.QuerySet["Dokument"]):
    def visible_to(self, user: User) -> Self:
        """Documents of visible BGs and persons; Mandant-wide files (payment runs) need the BG view right."""
        from vorort.personen.models import Bedarfsgemeinschaft, Person

        mine = self.filter(mandant_id=user.mandant_id)
        if not user.has_perm("akte.view_dokument"):
            return mine.none()
        if user.has_perm("core.view_alle_faelle"):
            return mine
        return mine.filter(
            Q(bedarfsgemeinschaft_id__in=Bedarfsgemeinschaft.objects.visible_to(user).values("pk"))
            | Q(bedarfsgemeinschaft__isnull=True, person_id__in=Person.objects.visible_to(user).values("pk"))
        )


class Dokument(MandantModel):
    """One stored file. Content, checksum, size and type never change after filing.

    Example: the Bewilligungsbescheid of BG 15088BG0000042 of 24.11.2026, a PDF of 48 kB,
    `sha256` = 9f2c…; `bedarfsgemeinschaft` links it into that BG's file.
    """

    class Art(models.TextChoices):
        BESCHEID = "bescheid", _("Bescheid")
        ANSCHREIBEN = "anschreiben", _("Anschreiben")
        ZAHLUNGSDATEI = "zahlungsdatei", _("Zahlungsdatei (SEPA)")
        BERICHT = "bericht", _("Bericht")
        EINGANG = "eingang", _("Posteingang")
        EXPORT = "export", _("Export")

    titel = models.CharField(_("Titel"), max_length=200)
    art = models.CharField(_("Art"), max_length=20, choices=Art)
    datei = models.FileField(_("Datei"), upload_to="%Y/%m/", max_length=300)
    dateiname = models.CharField(_("Dateiname"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    mime_type = models.CharField(_("MIME-Typ"), max_length=100)
    groesse = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    person = models.ForeignKey(
        "personen.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="dokumente"
    )
    bedarfsgemeinschaft = models.ForeignKey(
        "personen.Bedarfsgemeinschaft",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dokumente",
    )
    erstellt_von = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    erstellt_am = models.DateTimeField(_("abgelegt am"), auto_now_add=True)

    objects = DokumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["-erstellt_am"]

    def __str__(self) -> str:
        return self.titel

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise DokumentUnveraenderlich(_("Abgelegte Dokumente können nicht verändert werden."))
        super().save(*args, **kwargs)


class DokumentUnveraenderlich(Exception):
    pass
