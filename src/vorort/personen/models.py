"""The person registry: persons, households, Bedarfsgemeinschaften and their effective-dated facts.

Facts that change over time (membership in a BG, address, bank account, employment) are rows
with `gueltig_ab` / `gueltig_bis`; a change ends the old row and starts a new one, so what a past
decision used is never overwritten.
"""

from __future__ import annotations

from datetime import date
from typing import Self

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from vorort.core.models import MandantModel, Team, User
from vorort.personen.normalize import fold, phonetik
from vorort.personen.validators import validate_iban


class Geschlecht(models.TextChoices):
    WEIBLICH = "w", _("weiblich")
    MAENNLICH = "m", _("männlich")
    DIVERS = "d", _("divers")
    OHNE_ANGABE = "x", _("ohne Angabe")


class Arbeitsmarktstatus(models.TextChoices):
    """Labour-market status of an eLb in the BA statistics' categories (domain.md §2)."""

    ARBEITSLOS = "arbeitslos", _("arbeitslos")
    ERWERBSTAETIG = "employed_not_arbeitslos", _("erwerbstätig, nicht arbeitslos")
    IN_MASSNAHME = "in_measure", _("in Maßnahme")
    BETREUUNG = "caring", _("Erziehung/Pflege (§ 10 SGB II)")
    SCHULE_AUSBILDUNG = "school_training_study", _("Schule, Ausbildung, Studium")
    ARBEITSUNFAEHIG = "incapacity_or_sick", _("arbeitsunfähig")
    REGEL_58 = "other_58plus_rule", _("§ 53a Abs. 2 SGB II (58+)")
    KEIN = "", _("—")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: User) -> Self:
        """Persons in a BG the user may see, and persons not yet in any BG (intake) of the Mandant."""
        mine = self.filter(mandant_id=user.mandant_id)
        if not user.has_perm("personen.view_person"):
            return mine.none()
        if user.has_perm("core.view_alle_faelle"):
            return mine
        # Correlated EXISTS, not IN over all BGs: it is checked per candidate row through the
        # membership index, so a search that found 50 persons checks 50 memberships, not 100,000.
        mitgliedschaften = Mitgliedschaft.objects.filter(person_id=OuterRef("pk"))
        zustaendig = zustaendigkeit_q(user, prefix="bedarfsgemeinschaft__")
        return mine.filter(Exists(mitgliedschaften.filter(zustaendig)) | ~Exists(mitgliedschaften))

    def aktiv(self) -> Self:
        return self.filter(zusammengefuehrt_in__isnull=True)


class Person(MandantModel):
    """A person known to the jobcenter: applicant, partner, child, or other household member.

    `name_suche` and the two `*_phonetik` columns exist for the search: umlauts folded
    ("Müller" -> "mueller") and Kölner Phonetik codes ("Meier"/"Mayer" -> "67"), both indexed.
    A person merged into another keeps its row with `zusammengefuehrt_in` set (history stays).
    """

    kundennummer = models.CharField(_("Kundennummer"), max_length=20)
    vorname = models.CharField(_("Vorname"), max_length=100)
    nachname = models.CharField(_("Nachname"), max_length=100)
    geburtsname = models.CharField(_("Geburtsname"), max_length=100, blank=True)
    geburtsdatum = models.DateField(_("Geburtsdatum"))
    geburtsort = models.CharField(_("Geburtsort"), max_length=100, blank=True)
    geschlecht = models.CharField(_("Geschlecht"), max_length=1, choices=Geschlecht)
    staatsangehoerigkeit = models.CharField(
        _("Staatsangehörigkeit"), max_length=2, default="DE", help_text=_("ISO-3166-Code, z. B. DE, PL, SY")
    )
    telefon = models.CharField(_("Telefon"), max_length=50, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    arbeitsmarktstatus = models.CharField(
        _("Arbeitsmarktstatus"), max_length=30, choices=Arbeitsmarktstatus, blank=True, default=""
    )
    ohne_berufsabschluss = models.BooleanField(_("ohne abgeschlossene Berufsausbildung"), default=False)
    name_suche = models.CharField(max_length=210, editable=False, db_index=True)
    nachname_suche = models.CharField(max_length=100, editable=False, db_index=True)
    vorname_suche = models.CharField(max_length=100, editable=False, db_index=True)
    nachname_phonetik = models.CharField(max_length=60, editable=False, db_index=True)
    vorname_phonetik = models.CharField(max_length=60, editable=False, db_index=True)
    zusammengefuehrt_in = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("zusammengeführt in"),
        related_name="zusammengefuehrte",
    )
    erstellt_am = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    geaendert_am = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["nachname", "vorname"]
        permissions = [("merge_person", _("Personen zusammenführen"))]
        constraints = [
            models.UniqueConstraint(
                fields=["mandant", "kundennummer"], name="personen_person_kundennummer_unique_per_mandant"
            ),
        ]
        indexes = [
            models.Index(fields=["mandant", "geburtsdatum"], name="personen_person_geburtsdatum"),
        ]

    def __str__(self) -> str:
        return f"{self.nachname}, {self.vorname}"

    def save(self, *args, **kwargs):
        self.refresh_search_keys()
        super().save(*args, **kwargs)

    def refresh_search_keys(self) -> None:
        self.nachname_suche = fold(self.nachname)
        self.vorname_suche = fold(self.vorname)
        self.name_suche = f"{self.nachname_suche} {self.vorname_suche}"
        self.nachname_phonetik = phonetik(self.nachname)
        self.vorname_phonetik = phonetik(self.vorname)

    def alter_am(self, stichtag: date) -> int:
        g = self.geburtsdatum
        return stichtag.year - g.year - ((stichtag.month, stichtag.day) < (g.month, g.day))

    @property
    def name(self) -> str:
        return f"{self.vorname} {self.nachname}"


class Heizenergie(models.TextChoices):
    """Energy carrier of the heating; the Heizspiegel limit differs by carrier (§ 22 Abs. 1 SGB II)."""

    GAS = "gas", _("Erdgas")
    FERNWAERME = "district_heating", _("Fernwärme")
    OEL = "oil", _("Heizöl")
    STROM = "electric", _("Strom")
    WAERMEPUMPE = "heat_pump", _("Wärmepumpe")
    SONSTIGE = "other", _("sonstige")


class Gemeinde(MandantModel):
    """A municipality of the Mandant's area with its official key (AGS) and postcodes.

    The Mandant's KdU limits are set per AGS (`leistung.KdUGrenze`); an address finds its AGS here
    through its postcode, so nobody types an AGS. A postcode may span several municipalities
    (Saalekreis: 06268 covers Querfurt, Barnstädt, Farnstädt, Obhausen, …); the caseworker then
    chooses among them. Example: Merseburg, Stadt, AGS 15088205, postcode 06217.
    """

    ags = models.CharField(_("Amtlicher Gemeindeschlüssel (AGS)"), max_length=8)
    name = models.CharField(_("Gemeinde"), max_length=100)
    postleitzahlen = models.CharField(
        _("Postleitzahlen"),
        max_length=500,
        help_text=_("Alle Postleitzahlen der Gemeinde, durch Leerzeichen getrennt"),
    )

    class Meta:
        verbose_name = _("Gemeinde")
        verbose_name_plural = _("Gemeinden")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["mandant", "ags"], name="personen_gemeinde_unique_ags"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def plz_liste(self) -> list[str]:
        return self.postleitzahlen.split()


class Haushalt(MandantModel):
    """A dwelling (Wohnung) where one or more BGs live; rent and heating are facts of the dwelling."""

    strasse = models.CharField(_("Straße"), max_length=120)
    hausnummer = models.CharField(_("Hausnummer"), max_length=10)
    plz = models.CharField(_("PLZ"), max_length=5)
    ort = models.CharField(_("Ort"), max_length=100)
    gemeinde_ags = models.CharField(
        _("Gemeindeschlüssel (AGS)"),
        max_length=8,
        db_index=True,
        help_text=_("Amtlicher Gemeindeschlüssel, 8-stellig"),
    )
    wohnflaeche_m2 = models.DecimalField(
        _("Wohnfläche (m²)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    bruttokaltmiete_m = models.DecimalField(
        _("Bruttokaltmiete (€/Monat)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Nettokaltmiete + kalte Nebenkosten (§ 22 Abs. 1 SGB II)"),
    )
    heizkosten_m = models.DecimalField(
        _("Heizkosten (€/Monat)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    heizenergie = models.CharField(
        _("Heizenergie"), max_length=20, choices=Heizenergie, blank=True, default=""
    )
    warmwasser_dezentral = models.BooleanField(_("Warmwasser dezentral (§ 21 Abs. 7 SGB II)"), default=False)
    eigentum = models.BooleanField(_("selbst genutztes Wohneigentum"), default=False)

    class Meta:
        verbose_name = _("Haushalt")
        verbose_name_plural = _("Haushalte")

    def __str__(self) -> str:
        return f"{self.strasse} {self.hausnummer}, {self.plz} {self.ort}"


class BedarfsgemeinschaftQuerySet(models.QuerySet["Bedarfsgemeinschaft"]):
    def visible_to(self, user: User) -> Self:
        """BGs of the user's Mandant that the user's teams (or the user personally) are zuständig for."""
        mine = self.filter(mandant_id=user.mandant_id)
        if not user.has_perm("personen.view_bedarfsgemeinschaft"):
            return mine.none()
        if user.has_perm("core.view_alle_faelle"):
            return mine
        return mine.filter(zustaendigkeit_q(user))


def zustaendigkeit_q(user: User, prefix: str = "") -> Q:
    """BGs one of the user's teams, or the user in person, is zuständig for.

    The team ids are read once and passed as a list: a nested subquery inside a correlated
    EXISTS would be evaluated again for every row.
    """
    if not hasattr(user, "_vorort_team_ids"):
        user._vorort_team_ids = list(user.teams.values_list("pk", flat=True))
    return (
        Q(**{f"{prefix}team_id__in": user._vorort_team_ids})
        | Q(**{f"{prefix}sachbearbeitung_id": user.pk})
        | Q(**{f"{prefix}fallmanagement_id": user.pk})
    )


def bg_nummer_praefix(kreisschluessel: str) -> str:
    """BG numbers are the Kreisschlüssel, "BG" and seven digits: 15088BG0000042."""
    return f"{kreisschluessel or '00000'}BG"


class Bedarfsgemeinschaft(MandantModel):
    """A Bedarfsgemeinschaft (§ 7 Abs. 3 SGB II): the unit that claims and is paid together.

    Zuständigkeit: `team` is the responsible team; `sachbearbeitung` and `fallmanagement` name the
    responsible caseworkers for benefits and for integration. Members are `Mitgliedschaft` rows.
    State transitions: AKTIV -> BEENDET (benefits ended); BEENDET -> AKTIV (new application).
    """

    class Status(models.TextChoices):
        AKTIV = "aktiv", _("im Leistungsbezug")
        ANTRAG = "antrag", _("Antrag in Bearbeitung")
        BEENDET = "beendet", _("beendet")

    nummer = models.CharField(_("BG-Nummer"), max_length=20)
    haushalt = models.ForeignKey(
        Haushalt, on_delete=models.PROTECT, verbose_name=_("Haushalt"), related_name="bgs"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, verbose_name=_("zuständiges Team"), related_name="bgs"
    )
    sachbearbeitung = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("Leistungssachbearbeitung"),
        related_name="bgs_leistung",
    )
    fallmanagement = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("Integrationsfachkraft"),
        related_name="bgs_integration",
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status, default=Status.ANTRAG)
    leistungsbezug_seit = models.DateField(
        _("im Leistungsbezug seit"),
        null=True,
        blank=True,
        help_text=_(
            "Beginn des ununterbrochenen Bezugs; maßgeblich für die Karenzzeit (§ 22 Abs. 1, § 12 SGB II)"
        ),
    )
    erstellt_am = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    objects = BedarfsgemeinschaftQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bedarfsgemeinschaft")
        verbose_name_plural = _("Bedarfsgemeinschaften")
        ordering = ["nummer"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandant", "nummer"], name="personen_bg_nummer_unique_per_mandant"
            ),
        ]

    def __str__(self) -> str:
        return self.nummer

    def mitglieder_am(self, stichtag: date):
        return self.mitgliedschaften.gueltig_am(stichtag).select_related("person")


class Rolle(models.TextChoices):
    ANTRAGSTELLER = "antragsteller", _("Antragsteller/in")
    PARTNER = "partner", _("Partner/in")
    KIND = "kind", _("Kind")
    SONSTIGE = "sonstige", _("sonstige Person")


class GueltigkeitQuerySet(models.QuerySet):
    def gueltig_am(self, stichtag: date):
        return self.filter(
            Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=stichtag), gueltig_ab__lte=stichtag
        )


class Gueltigkeit(models.Model):
    """Abstract: a fact valid from `gueltig_ab` to `gueltig_bis` (inclusive; empty = open)."""

    gueltig_ab = models.DateField(_("gültig ab"))
    gueltig_bis = models.DateField(_("gültig bis"), null=True, blank=True)

    objects = GueltigkeitQuerySet.as_manager()

    class Meta:
        abstract = True


class Mitgliedschaft(Gueltigkeit):
    """Membership of a person in a BG for a period, with the person's role in the BG.

    `erwerbsfaehig` marks an eLb (§ 7 Abs. 1, § 8 SGB II), otherwise nEf; `leistungsberechtigt`
    is false for a person who lives in the BG without an own claim (e.g. excluded by § 7 Abs. 4).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mitgliedschaften")
    bedarfsgemeinschaft = models.ForeignKey(
        Bedarfsgemeinschaft, on_delete=models.PROTECT, related_name="mitgliedschaften"
    )
    rolle = models.CharField(_("Rolle in der BG"), max_length=20, choices=Rolle)
    erwerbsfaehig = models.BooleanField(_("erwerbsfähig (eLb)"), default=True)
    leistungsberechtigt = models.BooleanField(_("leistungsberechtigt"), default=True)

    class Meta:
        verbose_name = _("Mitgliedschaft in BG")
        verbose_name_plural = _("Mitgliedschaften in BG")
        ordering = ["bedarfsgemeinschaft_id", "gueltig_ab"]
        indexes = [models.Index(fields=["bedarfsgemeinschaft", "gueltig_ab"], name="personen_mitgl_bg_ab")]
        constraints = [
            models.CheckConstraint(
                condition=Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=models.F("gueltig_ab")),
                name="personen_mitgliedschaft_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.bedarfsgemeinschaft_id} ({self.rolle}) ab {self.gueltig_ab}"


class Adresse(Gueltigkeit):
    """A person's address for a period (Meldeanschrift); the history is kept."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="adressen")
    strasse = models.CharField(_("Straße"), max_length=120)
    hausnummer = models.CharField(_("Hausnummer"), max_length=10)
    adresszusatz = models.CharField(_("Adresszusatz"), max_length=100, blank=True)
    plz = models.CharField(_("PLZ"), max_length=5)
    ort = models.CharField(_("Ort"), max_length=100)

    class Meta:
        verbose_name = _("Anschrift")
        verbose_name_plural = _("Anschriften")
        ordering = ["person_id", "-gueltig_ab"]

    def __str__(self) -> str:
        return f"{self.strasse} {self.hausnummer}, {self.plz} {self.ort}"


class Bankverbindung(Gueltigkeit):
    """A person's account for payments; the IBAN checksum is validated (ISO 13616)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bankverbindungen")
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    kontoinhaber = models.CharField(_("Kontoinhaber/in"), max_length=140)

    class Meta:
        verbose_name = _("Bankverbindung")
        verbose_name_plural = _("Bankverbindungen")
        ordering = ["person_id", "-gueltig_ab"]

    def __str__(self) -> str:
        return f"{self.iban[:4]} … {self.iban[-4:]}"


class Beschaeftigung(Gueltigkeit):
    """An employment or self-employment of a person (employer, gross and net pay per month)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="beschaeftigungen")
    arbeitgeber = models.CharField(_("Arbeitgeber"), max_length=200)
    brutto_m = models.DecimalField(_("Brutto (€/Monat)"), max_digits=12, decimal_places=2)
    netto_m = models.DecimalField(_("Netto (€/Monat)"), max_digits=12, decimal_places=2)
    minijob = models.BooleanField(_("geringfügige Beschäftigung"), default=False)

    class Meta:
        verbose_name = _("Beschäftigung")
        verbose_name_plural = _("Beschäftigungen")
        ordering = ["person_id", "-gueltig_ab"]
        constraints = [
            models.CheckConstraint(
                condition=Q(netto_m__lte=models.F("brutto_m")), name="personen_beschaeftigung_netto_le_brutto"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.arbeitgeber} ab {self.gueltig_ab}"
