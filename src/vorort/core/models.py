"""Tenants, staff, teams, roles, background jobs and the audit log.

Every domain row of vorort belongs to exactly one Mandant (one jobcenter). Staff users belong to
one Mandant and work in teams; teams are responsible (zuständig) for Bedarfsgemeinschaften.
"""

from __future__ import annotations

import contextlib
from typing import Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mandant(models.Model):
    """One jobcenter (zugelassener kommunaler Träger) using vorort.

    Holds what its letters and payment files need: letterhead, address, bank account and the
    SEPA creditor data. Nobody ever sees another Mandant's data (ARCHITECTURE.md, "Mandant").
    """

    name = models.CharField(_("Name"), max_length=200)
    kurzname = models.CharField(_("Kurzname"), max_length=60, unique=True)
    kreisschluessel = models.CharField(_("Kreisschlüssel"), max_length=5, blank=True)
    traeger = models.CharField(
        _("Träger"), max_length=200, blank=True, help_text=_("z. B. Landkreis Saalekreis (zkT, § 6a SGB II)")
    )
    strasse = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    plz = models.CharField(_("PLZ"), max_length=5, blank=True)
    ort = models.CharField(_("Ort"), max_length=100, blank=True)
    telefon = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Website"), blank=True)
    briefkopf = models.TextField(
        _("Briefkopf"), blank=True, help_text=_("Zusätzliche Zeilen im Briefkopf, z. B. Öffnungszeiten.")
    )
    motto = models.CharField(_("Motto"), max_length=100, blank=True)
    bank_name = models.CharField(_("Bank"), max_length=100, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    glaeubiger_id = models.CharField(
        _("Gläubiger-ID"), max_length=35, blank=True, help_text=_("SEPA-Gläubiger-Identifikationsnummer")
    )
    aktiv = models.BooleanField(_("aktiv"), default=True)
    ist_demo = models.BooleanField(
        _("Demo-Mandant"),
        default=False,
        help_text=_("Synthetische Daten; nur hier druckt `vorort demo_code` Anmeldecodes."),
    )

    class Meta:
        verbose_name = _("Mandant")
        verbose_name_plural = _("Mandanten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MandantModel(models.Model):
    """Abstract base of every domain row: it belongs to one Mandant."""

    mandant = models.ForeignKey(Mandant, on_delete=models.PROTECT, verbose_name=_("Mandant"))

    class Meta:
        abstract = True


class Team(MandantModel):
    """A team of staff, e.g. "Leistung Merseburg 1"; teams are zuständig for BGs."""

    name = models.CharField(_("Name"), max_length=100)
    kuerzel = models.CharField(_("Kürzel"), max_length=20)
    beschreibung = models.CharField(_("Beschreibung"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Team")
        verbose_name_plural = _("Teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandant", "kuerzel"], name="core_team_kuerzel_unique_per_mandant"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Rolle(models.TextChoices):
    """The roles of ARCHITECTURE.md; each maps to a Django group of permissions (core.roles)."""

    LEISTUNG = "leistung", _("Leistungssachbearbeitung")
    INTEGRATION = "integration", _("Integrationsfachkraft / Fallmanagement")
    ARBEITGEBERSERVICE = "arbeitgeberservice", _("Arbeitgeberservice")
    MASSNAHMEN = "massnahmen", _("Maßnahmeplanung / Vergabe")
    TEAMLEITUNG = "teamleitung", _("Teamleitung")
    GESCHAEFTSFUEHRUNG = "geschaeftsfuehrung", _("Geschäftsführung")
    CONTROLLING = "controlling", _("Controlling")
    DATENSCHUTZ = "datenschutz", _("Datenschutz")
    ADMINISTRATION = "administration", _("Administration")


class VorortUserManager(UserManager["User"]):
    pass


class User(AbstractUser):
    """A member of staff of one Mandant.

    Example: Frau Schulz (Leistungssachbearbeitung, team "Leistung Merseburg 1") sees the BGs her
    team is zuständig for; Frau Weber (Teamleitung) additionally signs off decisions.
    Roles are Django groups named after `Rolle` values; permissions come from the groups.
    """

    mandant = models.ForeignKey(
        Mandant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("Mandant"),
        related_name="users",
    )
    teams = models.ManyToManyField(Team, blank=True, verbose_name=_("Teams"), related_name="mitglieder")
    titel = models.CharField(_("Anrede/Titel"), max_length=40, blank=True)
    telefon = models.CharField(_("Telefon"), max_length=50, blank=True)
    zimmer = models.CharField(_("Zimmer"), max_length=20, blank=True)

    objects = VorortUserManager()

    class Meta:
        verbose_name = _("Benutzer/in")
        verbose_name_plural = _("Benutzer/innen")
        ordering = ["last_name", "first_name"]
        permissions = [
            ("view_alle_faelle", _("Alle Fälle des Mandanten einsehen (unabhängig von der Zuständigkeit)")),
            (
                "view_besondere_kategorien",
                _("Besondere Kategorien personenbezogener Daten (Art. 9 DSGVO) einsehen"),
            ),
            ("view_auditlog", _("Protokoll (Audit-Log) durchsuchen und exportieren")),
            ("manage_users", _("Benutzer, Teams und Rollen verwalten")),
            ("manage_mandant", _("Mandantendaten verwalten")),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def rollen(self) -> list[Rolle]:
        names = {g.name for g in self.groups.all()}
        return [r for r in Rolle if r.value in names]

    @property
    def rollen_labels(self) -> list[str]:
        return [str(r.label) for r in self.rollen]


class BackgroundJob(MandantModel):
    """A piece of long work (payment run, import, report, OCR, demo build) a user can watch.

    State transitions: QUEUED -> RUNNING -> SUCCEEDED | FAILED; FAILED -> RUNNING on resume.
    The work runs in idempotent chunks; `fortschritt` / `gesamt` drive the progress bar.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        SUCCEEDED = "succeeded", _("abgeschlossen")
        FAILED = "failed", _("fehlgeschlagen")

    class Ausloeser(models.TextChoices):
        WEB = "web", _("Web-Oberfläche")
        CLI = "cli", _("Kommandozeile")
        API = "api", _("API")
        ZEITPLAN = "zeitplan", _("Zeitplan")

    art = models.CharField(_("Art"), max_length=50)
    ausloeser = models.CharField(_("Ausgelöst über"), max_length=20, choices=Ausloeser, default=Ausloeser.WEB)
    status = models.CharField(_("Status"), max_length=20, choices=Status, default=Status.QUEUED)
    erstellt_von = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("erstellt von")
    )
    erstellt_am = models.DateTimeField(_("erstellt am"), default=timezone.now)
    gestartet_am = models.DateTimeField(_("gestartet am"), null=True, blank=True)
    beendet_am = models.DateTimeField(_("beendet am"), null=True, blank=True)
    fortschritt = models.PositiveIntegerField(_("erledigt"), default=0)
    gesamt = models.PositiveIntegerField(_("gesamt"), default=0)
    eingabe = models.JSONField(_("Eingabe"), default=dict, blank=True)
    ergebnis = models.JSONField(_("Ergebnis"), default=dict, blank=True)
    fehlermeldung = models.TextField(_("Fehlermeldung"), blank=True)

    class Meta:
        verbose_name = _("Hintergrundauftrag")
        verbose_name_plural = _("Hintergrundaufträge")
        ordering = ["-erstellt_am"]

    def __str__(self) -> str:
        return f"{self.art} #{self.pk} ({self.get_status_display()})"

    @property
    def prozent(self) -> int:
        return int(100 * self.fortschritt / self.gesamt) if self.gesamt else 0

    @contextlib.contextmanager
    def running(self):
        """Mark the job running; on an exception store a readable message and mark it failed."""
        self.status = self.Status.RUNNING
        self.gestartet_am = self.gestartet_am or timezone.now()
        self.fehlermeldung = ""
        self.save(update_fields=["status", "gestartet_am", "fehlermeldung"])
        try:
            yield self
        except Exception as exc:
            self.status = self.Status.FAILED
            self.fehlermeldung = f"{type(exc).__name__}: {exc}"
            self.beendet_am = timezone.now()
            self.save(update_fields=["status", "fehlermeldung", "beendet_am"])
            raise
        self.status = self.Status.SUCCEEDED
        self.beendet_am = timezone.now()
        self.save(update_fields=["status", "beendet_am", "ergebnis", "fortschritt", "gesamt"])

    def advance(self, anzahl: int) -> Self:
        self.fortschritt = models.F("fortschritt") + anzahl
        self.save(update_fields=["fortschritt"])
        self.refresh_from_db(fields=["fortschritt"])
        return self


class AppendOnlyQuerySet(models.QuerySet):
    """Append-only: bulk updates and deletes are refused (the database also has triggers)."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly(_("Protokolleinträge können nicht geändert werden."))

    def delete(self):
        raise AuditLogIsAppendOnly(_("Protokolleinträge können nicht gelöscht werden."))


class AuditEventQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user: User) -> Self:
        if not user.has_perm("core.view_auditlog"):
            return self.none()
        return self.filter(mandant=user.mandant)


class AuditLogIsAppendOnly(Exception):
    pass


class AppendOnlyModel(models.Model):
    """A row of the audit log: inserted once, never changed or deleted (also by triggers)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly(_("Protokolleinträge können nicht geändert werden."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly(_("Protokolleinträge können nicht gelöscht werden."))


class AuditEvent(AppendOnlyModel):
    """One entry of the append-only, hash-chained audit log (Protokoll).

    Who did what, when, to whom and why. Example: on 24.11.2026 at 09:14 Frau Schulz
    (`acting_user`) opened the file (`typ` = PERSON_GELESEN, `zweck` = "Personenakte") of
    Herrn Krause (`person_id`) in BG 15088BG0000042 (`bedarfsgemeinschaft_id`).

    `person_id` and `bedarfsgemeinschaft_id` are plain integers, not foreign keys: the log must
    survive the deletion of the records it talks about (retention), and must never block it.
    Each Mandant has its own chain: `seq` counts 1, 2, 3, … and `hash` covers the event and the
    previous event's hash, so an altered, inserted or deleted event breaks the chain
    (`vorort audit verify`).
    """

    class Typ(models.IntegerChoices):
        # 100-199 persons and Bedarfsgemeinschaften
        PERSON_ANGELEGT = 101, _("Person angelegt")
        PERSON_GEAENDERT = 102, _("Person geändert")
        PERSON_GELESEN = 103, _("Personenakte geöffnet")
        PERSONEN_ZUSAMMENGEFUEHRT = 104, _("Personen zusammengeführt")
        ADRESSE_GEAENDERT = 105, _("Anschrift geändert")
        BANKVERBINDUNG_GEAENDERT = 106, _("Bankverbindung geändert")
        DUBLETTE_BESTAETIGT = 107, _("Mögliche Dublette geprüft und trotzdem angelegt")
        ZUSAMMENFUEHRUNG_RUECKGAENGIG = 108, _("Zusammenführung rückgängig gemacht")
        # 109-119 reserved
        BG_ANGELEGT = 121, _("Bedarfsgemeinschaft angelegt")
        BG_GEAENDERT = 122, _("Bedarfsgemeinschaft geändert")
        BG_GELESEN = 123, _("BG-Akte geöffnet")
        BG_MITGLIED_AUFGENOMMEN = 124, _("Mitglied in BG aufgenommen")
        BG_MITGLIED_BEENDET = 125, _("Mitgliedschaft in BG beendet")
        ZUSTAENDIGKEIT_GEAENDERT = 126, _("Zuständigkeit geändert")
        # 127-149 reserved
        PERSONENSUCHE = 151, _("Personensuche")
        # 152-199 reserved
        # 200-299 access, staff and configuration
        ANMELDUNG = 201, _("Anmeldung")
        ANMELDUNG_FEHLGESCHLAGEN = 202, _("Anmeldung fehlgeschlagen")
        ABMELDUNG = 203, _("Abmeldung")
        ZWEITER_FAKTOR_EINGERICHTET = 204, _("Zweiter Faktor eingerichtet")
        ZUGRIFF_VERWEIGERT = 205, _("Zugriff verweigert")
        BENUTZER_ANGELEGT = 211, _("Benutzer/in angelegt")
        BENUTZER_GEAENDERT = 212, _("Benutzer/in geändert")
        TEAM_ANGELEGT = 221, _("Team angelegt")
        TEAM_GEAENDERT = 222, _("Team geändert")
        MANDANT_GEAENDERT = 231, _("Mandant geändert")
        PROTOKOLL_DURCHSUCHT = 241, _("Protokoll durchsucht")
        PROTOKOLL_EXPORTIERT = 242, _("Protokoll exportiert")
        DEMO_ERZEUGT = 291, _("Demo-Daten erzeugt")
        # 300-399 leistung (Antrag, Berechnung, Bescheid, Zahllauf)
        ANTRAG_ANGELEGT = 301, _("Antrag angelegt")
        ANTRAG_BEWILLIGT = 302, _("Antrag bewilligt")
        ANTRAG_GEAENDERT = 303, _("Antrag geändert")
        ANTRAG_ENTSCHEIDUNGSREIF = 304, _("Antrag entscheidungsreif")
        # 305-309 reserved
        BERECHNUNG_ERSTELLT = 311, _("Berechnung erstellt")
        # 312-319 reserved
        BEWILLIGUNG_VORBEREITET = 321, _("Bewilligung vorbereitet")
        BEWILLIGUNG_FREIGEGEBEN = 322, _("Bewilligung freigegeben (Vier-Augen-Prinzip)")
        # 323-329 reserved
        BESCHEID_ERSTELLT = 331, _("Bescheid erstellt")
        UNTERLAGEN_ANGEFORDERT = 332, _("Unterlagen angefordert (§ 60 SGB I)")
        # 333-339 reserved
        ZAHLLAUF_GESTARTET = 341, _("Zahllauf gestartet")
        ZAHLLAUF_ABGESCHLOSSEN = 342, _("Zahllauf abgeschlossen")
        # 343-349 reserved
        LEISTUNG_EINSTELLUNGEN_GEAENDERT = 351, _("Einstellungen Leistung geändert")
        # 352-399 reserved
        # 400-499 integration; 500-599 massnahmen; 600-699 statistik
        # 700-799 akte
        DOKUMENT_ABGELEGT = 701, _("Dokument abgelegt")
        DOKUMENT_GELESEN = 702, _("Dokument geöffnet")

    mandant = models.ForeignKey(Mandant, on_delete=models.PROTECT, null=True, verbose_name=_("Mandant"))
    seq = models.PositiveBigIntegerField(_("laufende Nummer"))
    typ = models.PositiveSmallIntegerField(_("Ereignis"), choices=Typ)
    zeitpunkt = models.DateTimeField(_("Zeitpunkt"))
    acting_user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("handelnde Person"),
        related_name="+",
    )
    acting_username = models.CharField(_("Benutzername"), max_length=150, blank=True)
    person_id = models.BigIntegerField(_("Person"), null=True, blank=True, db_index=True)
    bedarfsgemeinschaft_id = models.BigIntegerField(
        _("Bedarfsgemeinschaft"), null=True, blank=True, db_index=True
    )
    objekt_typ = models.CharField(_("Objektart"), max_length=50, blank=True)
    objekt_id = models.BigIntegerField(_("Objekt"), null=True, blank=True)
    zweck = models.CharField(_("Zweck / Bildschirm"), max_length=200, blank=True)
    details = models.JSONField(_("Details"), default=dict, blank=True)
    prev_hash = models.CharField(_("Hash des Vorgängers"), max_length=64)
    hash = models.CharField(_("Hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")
        ordering = ["mandant_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["mandant", "seq"], name="core_auditevent_seq_unique_per_mandant"),
        ]
        indexes = [
            models.Index(fields=["mandant", "zeitpunkt"], name="core_auditevent_mandant_time"),
            models.Index(fields=["acting_user", "zeitpunkt"], name="core_auditevent_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.get_typ_display()}"


class AuditBetroffene(AppendOnlyModel):
    """One person an audit event concerns, recorded when the event is written (decision 0006).

    Example: Frau Schulz opens BG 15088BG0000043 (event `BG_GELESEN`, no `person_id`); the
    event concerns Frau Müller and her son Leon, the BG's members on that day, so it gets two
    rows here. The Datenschutz screen and the Art. 15 Auskunft find events by these rows, so an
    event about a BG or an Antrag appears under every member, as the membership was at the time.
    The persons beyond `AuditEvent.person_id` are part of the event's hash; the rows are
    append-only like the events.
    """

    event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, related_name="betroffene", verbose_name=_("Protokolleintrag")
    )
    person_id = models.BigIntegerField(_("Person"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("betroffene Person eines Protokolleintrags")
        verbose_name_plural = _("betroffene Personen von Protokolleinträgen")
        constraints = [
            models.UniqueConstraint(fields=["event", "person_id"], name="core_auditbetroffene_once"),
        ]
        indexes = [models.Index(fields=["person_id", "event"], name="core_auditbetroffene_person")]

    def __str__(self) -> str:
        return f"Eintrag {self.event_id} betrifft Person {self.person_id}"


class AuditChainHead(models.Model):
    """The newest event of one Mandant's chain; locked while an event is appended.

    It also lets `verify` notice events deleted from the end of a chain.
    """

    mandant = models.OneToOneField(Mandant, on_delete=models.PROTECT, null=True, verbose_name=_("Mandant"))
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("Protokollkette")
        verbose_name_plural = _("Protokollketten")

    def __str__(self) -> str:
        return f"Kette {self.mandant_id}: {self.last_seq}"
