"""Benefits (SGB II): Antrag, Berechnung, Bewilligung, Schreiben, Zahllauf and the ledger.

Flow: an `Antrag` records the facts per person and household; `compute_berechnung` stores one
immutable run of the law engine (`Berechnung`) over the months applied for; `prepare_bewilligung`
turns it into a `Bewilligung` with monthly amounts per person (`Leistungsbetrag`), which a second
person releases where the Mandant's Vier-Augen rules require it. The monthly `Zahllauf` books each
`Leistungsbetrag` as `Buchung` lines by kind and pays them as one `Zahlung` per BG, month and payee.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vorort.core.models import BackgroundJob, Mandant, MandantModel, Rolle, User
from vorort.personen.models import Bedarfsgemeinschaft, Person
from vorort.personen.validators import validate_iban

GELD = {"max_digits": 12, "decimal_places": 2}
NULL = Decimal("0.00")


class UnveraenderlichError(Exception):
    """A stored calculation, decision amount or ledger line was about to be changed."""


def _sichtbare_bgs(user: User):
    return Bedarfsgemeinschaft.objects.visible_to(user).values("pk")


class LeistungEinstellungen(models.Model):
    """The Mandant's settings for benefit decisions: when a second person must release one.

    Example: Jobcenter Saalekreis wants every first grant and every back payment of 1.000 € or
    more released by a second person (Vier-Augen-Prinzip); renewals below that go out directly.
    """

    mandant = models.OneToOneField(Mandant, on_delete=models.PROTECT, related_name="leistung_einstellungen")
    vier_augen_erstbewilligung = models.BooleanField(
        _("Vier-Augen-Prinzip bei jeder Erstbewilligung"), default=True
    )
    vier_augen_nachzahlung_ab = models.DecimalField(
        _("Vier-Augen-Prinzip bei Nachzahlungen ab (€)"),
        **GELD,
        null=True,
        blank=True,
        default=Decimal("1000.00"),
        help_text=_("Leer: Nachzahlungen brauchen keine zweite Freigabe."),
    )
    vier_augen_monatsbetrag_ab = models.DecimalField(
        _("Vier-Augen-Prinzip bei Monatsbeträgen ab (€)"),
        **GELD,
        null=True,
        blank=True,
        help_text=_("Leer: keine Grenze für den monatlichen Zahlbetrag der BG."),
    )
    unterlagen_frist_tage = models.PositiveSmallIntegerField(
        _("Frist für fehlende Unterlagen (Tage)"), default=14, help_text=_("§ 60, § 66 Abs. 3 SGB I")
    )

    class Meta:
        verbose_name = _("Einstellungen Leistung")
        verbose_name_plural = _("Einstellungen Leistung")

    def __str__(self) -> str:
        return f"Einstellungen Leistung {self.mandant}"

    @classmethod
    def for_mandant(cls, mandant: Mandant) -> LeistungEinstellungen:
        return cls.objects.get_or_create(mandant=mandant)[0]


class KdUGrenze(MandantModel):
    """A local Angemessenheitsgrenze for housing costs (§ 22 Abs. 1 S. 1 SGB II), dated data.

    One row per municipality (AGS), household size and validity period, taken from the Mandant's
    KdU-Richtlinie (schlüssiges Konzept). The row for the largest size also says how much each
    further person adds. Example: Merseburg (15088205), 1 person, from 2021-01-01: 365 € Bruttokaltmiete.
    """

    gemeinde_ags = models.CharField(_("Gemeindeschlüssel (AGS)"), max_length=8)
    vergleichsraum = models.CharField(_("Vergleichsraum"), max_length=100, blank=True)
    haushaltsgroesse = models.PositiveSmallIntegerField(_("Personen im Haushalt"))
    bruttokaltmiete_max = models.DecimalField(_("Grenze Bruttokaltmiete (€/Monat)"), **GELD)
    heizkosten_max = models.DecimalField(_("Grenze Heizkosten (€/Monat)"), **GELD, null=True, blank=True)
    gesamt_max = models.DecimalField(
        _("Gesamtangemessenheitsgrenze (€/Monat)"),
        **GELD,
        null=True,
        blank=True,
        help_text=_("§ 22 Abs. 10 SGB II"),
    )
    je_weitere_person = models.DecimalField(
        _("Zuschlag je weitere Person (€/Monat)"),
        **GELD,
        null=True,
        blank=True,
        help_text=_("Nur in der Zeile der größten Haushaltsgröße."),
    )
    gueltig_ab = models.DateField(_("gültig ab"))
    gueltig_bis = models.DateField(_("gültig bis"), null=True, blank=True)
    quelle = models.CharField(_("Quelle"), max_length=200, help_text=_("KdU-Richtlinie mit Datum"))

    class Meta:
        verbose_name = _("KdU-Angemessenheitsgrenze")
        verbose_name_plural = _("KdU-Angemessenheitsgrenzen")
        ordering = ["gemeinde_ags", "haushaltsgroesse", "-gueltig_ab"]
        constraints = [
            models.UniqueConstraint(
                fields=["mandant", "gemeinde_ags", "haushaltsgroesse", "gueltig_ab"],
                name="leistung_kdugrenze_unique_per_start",
            ),
        ]


class AntragQuerySet(models.QuerySet["Antrag"]):
    def visible_to(self, user: User) -> Self:
        if not user.has_perm("leistung.view_antrag"):
            return self.none()
        return self.filter(mandant_id=user.mandant_id, bedarfsgemeinschaft_id__in=_sichtbare_bgs(user))

    def offen(self) -> Self:
        return self.filter(status__in=[Antrag.Status.ENTWURF, Antrag.Status.ENTSCHEIDUNGSREIF])


#: The facts of an Antrag that a caseworker records (household, payment), in the order of the form.
ANTRAG_FAKTEN = [
    "antragsdatum",
    "leistungsbeginn",
    "vorlaeufig",
    "vorlaeufig_grund",
    "gemeinde_ags",
    "wohnflaeche_m2",
    "kaltmiete_m",
    "heizkosten_m",
    "warmwasser_dezentral",
    "kostensenkung_laeuft",
    "kontoinhaber",
    "iban",
    "bic",
    "kdu_an_vermieter",
    "vermieter_name",
    "vermieter_iban",
    "vermieter_bic",
]


class Antrag(MandantModel):
    """An application for SGB II benefits (§ 37 SGB II): first application or renewal (WBA).

    Holds the household's facts; the persons' facts are `AntragPerson` rows, incomes `Einkommen`
    rows with their months, missing documents `Unterlage` rows. `version` counts saved changes:
    an edit based on an older version is refused (two people editing at once never overwrite
    each other silently). Each Berechnung records the version it used, so a new fact means a new
    Berechnung.

    State transitions: ENTWURF -> ENTSCHEIDUNGSREIF -> BEWILLIGT; ENTWURF | ENTSCHEIDUNGSREIF ->
    ABGELEHNT | ZURUECKGENOMMEN. Facts can be changed in ENTWURF and ENTSCHEIDUNGSREIF.
    """

    class Art(models.TextChoices):
        ERSTANTRAG = "erstantrag", _("Erstantrag")
        WEITERBEWILLIGUNG = "weiterbewilligung", _("Weiterbewilligungsantrag")

    class Status(models.TextChoices):
        ENTWURF = "entwurf", _("Entwurf")
        ENTSCHEIDUNGSREIF = "entscheidungsreif", _("entscheidungsreif")
        BEWILLIGT = "bewilligt", _("bewilligt")
        ABGELEHNT = "abgelehnt", _("abgelehnt")
        ZURUECKGENOMMEN = "zurueckgenommen", _("zurückgenommen")

    bedarfsgemeinschaft = models.ForeignKey(
        Bedarfsgemeinschaft,
        on_delete=models.PROTECT,
        related_name="antraege",
        verbose_name=_("Bedarfsgemeinschaft"),
    )
    art = models.CharField(_("Art"), max_length=20, choices=Art, default=Art.ERSTANTRAG)
    status = models.CharField(_("Status"), max_length=20, choices=Status, default=Status.ENTWURF)
    version = models.PositiveIntegerField(_("Version"), default=1)
    antragsdatum = models.DateField(
        _("Antragsdatum"), help_text=_("Eingang des Antrags (§ 37 Abs. 2 SGB II)")
    )
    leistungsbeginn = models.DateField(
        _("Leistungsbeginn"), help_text=_("Erster Tag mit Anspruch; frühestens der Erste des Antragsmonats")
    )
    vorlaeufig = models.BooleanField(
        _("vorläufige Entscheidung (§ 41a SGB II)"),
        default=False,
        help_text=_("Bei schwankendem Einkommen oder ungeklärten Tatsachen; Bewilligungszeitraum 6 Monate."),
    )
    vorlaeufig_grund = models.CharField(_("Grund der vorläufigen Entscheidung"), max_length=200, blank=True)
    # Household facts (§ 22 SGB II)
    gemeinde_ags = models.CharField(_("Gemeindeschlüssel (AGS) der Wohnung"), max_length=8)
    wohnflaeche_m2 = models.DecimalField(
        _("Wohnfläche (m²)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    kaltmiete_m = models.DecimalField(
        _("Bruttokaltmiete (€/Monat)"), **GELD, help_text=_("Nettokaltmiete + kalte Nebenkosten")
    )
    heizkosten_m = models.DecimalField(_("Heizkosten (€/Monat)"), **GELD)
    warmwasser_dezentral = models.BooleanField(_("Warmwasser dezentral (§ 21 Abs. 7 SGB II)"), default=False)
    kostensenkung_laeuft = models.BooleanField(
        _("Kostensenkungsverfahren läuft (§ 22 Abs. 1 S. 7 SGB II)"), default=False
    )
    # Payment
    kontoinhaber = models.CharField(_("Kontoinhaber/in"), max_length=140, blank=True)
    iban = models.CharField(
        _("IBAN für die Auszahlung"), max_length=34, blank=True, validators=[validate_iban]
    )
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    kdu_an_vermieter = models.BooleanField(
        _("Unterkunftskosten direkt an Vermieter/in (§ 22 Abs. 7 SGB II)"), default=False
    )
    vermieter_name = models.CharField(_("Vermieter/in"), max_length=140, blank=True)
    vermieter_iban = models.CharField(
        _("IBAN Vermieter/in"), max_length=34, blank=True, validators=[validate_iban]
    )
    vermieter_bic = models.CharField(_("BIC Vermieter/in"), max_length=11, blank=True)
    erstellt_von = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("erfasst von")
    )
    erstellt_am = models.DateTimeField(_("erfasst am"), default=timezone.now)
    geaendert_von = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geändert von"),
    )
    geaendert_am = models.DateTimeField(_("geändert am"), default=timezone.now)

    objects = AntragQuerySet.as_manager()

    class Meta:
        verbose_name = _("Antrag")
        verbose_name_plural = _("Anträge")
        ordering = ["-antragsdatum", "-pk"]
        permissions = [("view_alle_antraege", _("Anträge aller Teams einsehen"))]
        indexes = [models.Index(fields=["mandant", "status"], name="leistung_antrag_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kaltmiete_m__gte=0), name="leistung_antrag_kaltmiete_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(heizkosten_m__gte=0), name="leistung_antrag_heizkosten_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_art_display()} {self.bedarfsgemeinschaft} vom {self.antragsdatum:%d.%m.%Y}"

    @property
    def bearbeitbar(self) -> bool:
        return self.status in (self.Status.ENTWURF, self.Status.ENTSCHEIDUNGSREIF)


class AntragPerson(models.Model):
    """One person's facts in an Antrag (CONTRACT §2.1–2.4): relations, needs, assets, schooling."""

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="personen")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("Person"))
    partner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Partner/in in der BG"),
    )
    elternteil_1 = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Elternteil 1"),
    )
    elternteil_2 = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Elternteil 2"),
    )
    kindergeld_empfaenger = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kindergeld für diese Person erhält"),
    )
    alleinerziehend = models.BooleanField(_("alleinerziehend (§ 21 Abs. 3 SGB II)"), default=False)
    schueler_student_azubi = models.BooleanField(
        _("Schüler/in, Student/in, Auszubildende/r (§ 11b Abs. 2b SGB II)"), default=False
    )
    schwanger_ab_13_woche = models.BooleanField(
        _("schwanger ab der 13. Woche (§ 21 Abs. 2 SGB II)"), default=False
    )
    mehrbedarf_behinderung = models.BooleanField(
        _("Mehrbedarf Behinderung (§ 21 Abs. 4 SGB II)"), default=False
    )
    mehrbedarf_ernaehrung_m = models.DecimalField(
        _("Mehrbedarf kostenaufwändige Ernährung (§ 21 Abs. 5 SGB II)"), **GELD, default=NULL
    )
    mehrbedarf_unabweisbar_m = models.DecimalField(
        _("unabweisbarer laufender Mehrbedarf (§ 21 Abs. 6 SGB II)"), **GELD, default=NULL
    )
    vermoegen = models.DecimalField(
        _("verwertbares Vermögen (€)"),
        **GELD,
        default=NULL,
        help_text=_("Ohne Schonvermögen wie Hausrat, angemessenes Kfz, Altersvorsorge (§ 12 Abs. 1 SGB II)"),
    )

    class Meta:
        verbose_name = _("Person im Antrag")
        verbose_name_plural = _("Personen im Antrag")
        ordering = ["antrag_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["antrag", "person"], name="leistung_antragperson_once"),
            models.CheckConstraint(
                condition=Q(vermoegen__gte=0), name="leistung_antragperson_vermoegen_not_negative"
            ),
        ]


class Einkommen(models.Model):
    """One income of a person in an Antrag, by type and month (§ 11 SGB II: Zuflussprinzip).

    `monat_ab` is required: income always belongs to a month. `monat_bis` empty means the income
    continues. Erwerbseinkommen has gross and net; for self-employment `brutto` is the profit and
    `netto` the profit after taxes; other kinds use `brutto` = `netto` = the amount received.
    """

    class Art(models.TextChoices):
        ERWERB = "erwerb", _("Erwerbseinkommen (nichtselbstständig)")
        SELBSTSTAENDIG = "selbststaendig", _("Gewinn aus selbstständiger Tätigkeit")
        UNTERHALT = "unterhalt", _("Unterhalt")
        UNTERHALTSVORSCHUSS = "uvg", _("Unterhaltsvorschuss")
        RENTE = "rente", _("Rente")
        ALG1 = "alg1", _("Arbeitslosengeld")
        SONSTIGES = "sonstiges", _("sonstiges Einkommen")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="einkommen")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("Person"))
    art = models.CharField(_("Art"), max_length=20, choices=Art)
    monat_ab = models.DateField(_("ab Monat"), help_text=_("Erster Tag des Monats des Zuflusses"))
    monat_bis = models.DateField(_("bis Monat"), null=True, blank=True)
    brutto = models.DecimalField(_("Betrag brutto (€/Monat)"), **GELD)
    netto = models.DecimalField(_("Betrag netto (€/Monat)"), **GELD)
    absetzbetraege = models.DecimalField(
        _("nachgewiesene Absetzbeträge (€/Monat)"),
        **GELD,
        default=NULL,
        help_text=_("§ 11b Abs. 1 S. 1 Nr. 3–5 SGB II"),
    )

    class Meta:
        verbose_name = _("Einkommen")
        verbose_name_plural = _("Einkommen")
        ordering = ["antrag_id", "person_id", "monat_ab"]
        constraints = [
            models.CheckConstraint(condition=Q(netto__gte=0), name="leistung_einkommen_not_negative"),
            models.CheckConstraint(
                condition=Q(netto__lte=F("brutto")), name="leistung_einkommen_netto_le_brutto"
            ),
        ]

    def gilt_im(self, monat) -> bool:
        return self.monat_ab <= monat and (self.monat_bis is None or monat <= self.monat_bis)


class Unterlage(models.Model):
    """A document still missing for an Antrag (Mitwirkung, § 60 SGB I), with its deadline."""

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="unterlagen")
    bezeichnung = models.CharField(_("Unterlage"), max_length=200)
    frist = models.DateField(_("Frist"))
    angefordert_am = models.DateField(_("angefordert am"), null=True, blank=True)
    eingegangen_am = models.DateField(_("eingegangen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("fehlende Unterlage")
        verbose_name_plural = _("fehlende Unterlagen")
        ordering = ["frist", "pk"]


class BerechnungQuerySet(models.QuerySet["Berechnung"]):
    def visible_to(self, user: User) -> Self:
        if not user.has_perm("leistung.view_antrag"):
            return self.none()
        return self.filter(mandant_id=user.mandant_id, bedarfsgemeinschaft_id__in=_sichtbare_bgs(user))


class Berechnung(MandantModel):
    """One stored, traced run of the law engine `recht` for a BG over a range of months.

    Everything needed to explain and reproduce it is kept: the input rows per month, the engine
    version and the hash of its parameter files, the BG and person outputs and the trace per month
    (STYLE §3.7). A row is never changed: a new fact or "Neu berechnen" creates a new Berechnung.
    """

    antrag = models.ForeignKey(Antrag, on_delete=models.PROTECT, related_name="berechnungen")
    bedarfsgemeinschaft = models.ForeignKey(Bedarfsgemeinschaft, on_delete=models.PROTECT, related_name="+")
    antrag_version = models.PositiveIntegerField(_("Stand des Antrags (Version)"))
    monat_von = models.DateField(_("erster Monat"))
    monat_bis = models.DateField(_("letzter Monat"))
    engine_version = models.CharField(_("Version der Rechenkerns"), max_length=40)
    parameter_hash = models.CharField(_("Hash der Rechtsparameter"), max_length=64)
    eingabe = models.JSONField(
        _("Eingabe je Monat"), help_text=_("Monat (JJJJ-MM) -> Zeilen je Person (CONTRACT §2)")
    )
    ergebnis = models.JSONField(_("Ergebnis je Monat"), help_text=_("Monat -> {bg: {...}, personen: [...]}"))
    traces = models.JSONField(_("Rechenweg je Monat"))
    zahlbetrag_erster_monat = models.DecimalField(_("Zahlbetrag erster Monat"), **GELD)
    zahlbetrag_summe = models.DecimalField(_("Zahlbetrag im Zeitraum"), **GELD)
    erstellt_von = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("berechnet von")
    )
    erstellt_am = models.DateTimeField(_("berechnet am"), default=timezone.now)

    objects = BerechnungQuerySet.as_manager()

    class Meta:
        verbose_name = _("Berechnung")
        verbose_name_plural = _("Berechnungen")
        ordering = ["-erstellt_am", "-pk"]

    def __str__(self) -> str:
        return f"Berechnung {self.pk} ({self.monat_von:%m/%Y}–{self.monat_bis:%m/%Y})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise UnveraenderlichError("Eine gespeicherte Berechnung wird nie geändert; bitte neu berechnen.")
        super().save(*args, **kwargs)

    @property
    def monate(self) -> list[str]:
        return sorted(self.ergebnis)


class BewilligungQuerySet(models.QuerySet["Bewilligung"]):
    def visible_to(self, user: User) -> Self:
        if not user.has_perm("leistung.view_bewilligung"):
            return self.none()
        return self.filter(mandant_id=user.mandant_id, bedarfsgemeinschaft_id__in=_sichtbare_bgs(user))

    def aktiv_im(self, monat) -> Self:
        return self.filter(status=Bewilligung.Status.BEWILLIGT, von__lte=monat, bis__gte=monat)

    def zur_freigabe_fuer(self, user: User) -> Self:
        """Decisions waiting for release that `user` may release: not their own, and their role fits."""
        rollen = user.groups.values("name")  # roles are groups named after `Rolle` values; a subquery
        return (
            self.filter(status=Bewilligung.Status.FREIGABE_AUSSTEHEND)
            .exclude(erstellt_von=user)
            .filter(Q(freigabe_rolle="") | Q(freigabe_rolle__in=rollen))
        )


class VierAugenGrund(models.TextChoices):
    """Why a second person must release a decision; `FREIGABE_ROLLE` says who that may be."""

    ERSTBEWILLIGUNG = "erstbewilligung", _("Erstbewilligung")
    NACHZAHLUNG = "nachzahlung", _("Nachzahlung ab der Grenze des Jobcenters")
    MONATSBETRAG = "monatsbetrag", _("Monatsbetrag ab der Grenze des Jobcenters")
    TEAMLEITUNG = "teamleitung", _("Prüfung durch die Teamleitung")


#: Who may release a decision for each Vier-Augen reason (the one place that says it): a role, or
#: None for any second person with the right to release (`leistung.release_bewilligung`). The maker
#: never releases their own decision. If one of several reasons names a role, that role releases.
FREIGABE_ROLLE: dict[VierAugenGrund, Rolle | None] = {
    VierAugenGrund.ERSTBEWILLIGUNG: None,
    VierAugenGrund.NACHZAHLUNG: None,
    VierAugenGrund.MONATSBETRAG: None,
    VierAugenGrund.TEAMLEITUNG: Rolle.TEAMLEITUNG,
}


class Bewilligung(MandantModel):
    """A decision granting benefits to a BG for a Bewilligungszeitraum (§ 41 Abs. 3 SGB II).

    12 months, or 6 months when provisional (§ 41a SGB II; the final decision follows after the
    period). Amounts per person and month are `Leistungsbetrag` rows, fixed when it is prepared.
    Example: Frau Schulz prepares the first grant for BG 42 (`erstellt_von`); because the Mandant
    requires Vier-Augen for first grants, Frau Weber releases it (`freigegeben_von`), never Frau Schulz.

    A renewal the caseworker asks the team lead to check ("Prüfung durch die Teamleitung") has
    `freigabe_rolle` = Teamleitung: then only a Teamleitung other than the maker releases it.

    State transitions: FREIGABE_AUSSTEHEND -> BEWILLIGT (release by a second person, with the
    Bewilligungsbescheid in the same transaction); FREIGABE_AUSSTEHEND -> VERWORFEN. Without a
    Vier-Augen rule it is BEWILLIGT when prepared.
    """

    class Status(models.TextChoices):
        FREIGABE_AUSSTEHEND = "freigabe_ausstehend", _("wartet auf Freigabe")
        BEWILLIGT = "bewilligt", _("bewilligt")
        VERWORFEN = "verworfen", _("verworfen")

    antrag = models.ForeignKey(Antrag, on_delete=models.PROTECT, related_name="bewilligungen")
    berechnung = models.ForeignKey(Berechnung, on_delete=models.PROTECT, related_name="bewilligungen")
    bedarfsgemeinschaft = models.ForeignKey(
        Bedarfsgemeinschaft, on_delete=models.PROTECT, related_name="bewilligungen", verbose_name=_("BG")
    )
    status = models.CharField(_("Status"), max_length=24, choices=Status)
    von = models.DateField(_("Bewilligungszeitraum von"))
    bis = models.DateField(_("Bewilligungszeitraum bis"))
    vorlaeufig = models.BooleanField(_("vorläufig (§ 41a SGB II)"), default=False)
    zahlbetrag_monat = models.DecimalField(_("Zahlbetrag im ersten Monat"), **GELD)
    nachzahlung = models.DecimalField(
        _("Nachzahlung"),
        **GELD,
        default=NULL,
        help_text=_("Beträge für Monate vor dem Monat der Entscheidung"),
    )
    vier_augen_erforderlich = models.BooleanField(_("Vier-Augen-Prinzip erforderlich"), default=False)
    vier_augen_grund = models.CharField(_("Grund für die zweite Freigabe"), max_length=200, blank=True)
    freigabe_rolle = models.CharField(
        _("Freigabe nur durch"),
        max_length=30,
        choices=Rolle,
        blank=True,
        help_text=_("Leer: jede zweite Person mit Freigaberecht (siehe FREIGABE_ROLLE)."),
    )
    empfaenger_name = models.CharField(_("Kontoinhaber/in"), max_length=140)
    empfaenger_iban = models.CharField(_("IBAN"), max_length=34)
    empfaenger_bic = models.CharField(_("BIC"), max_length=11, blank=True)
    kdu_an_vermieter = models.BooleanField(_("KdU an Vermieter/in (§ 22 Abs. 7 SGB II)"), default=False)
    vermieter_name = models.CharField(_("Vermieter/in"), max_length=140, blank=True)
    vermieter_iban = models.CharField(_("IBAN Vermieter/in"), max_length=34, blank=True)
    vermieter_bic = models.CharField(_("BIC Vermieter/in"), max_length=11, blank=True)
    erstellt_von = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("vorbereitet von")
    )
    erstellt_am = models.DateTimeField(_("vorbereitet am"), default=timezone.now)
    freigegeben_von = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("freigegeben von"),
    )
    freigegeben_am = models.DateTimeField(_("freigegeben am"), null=True, blank=True)

    objects = BewilligungQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bewilligung")
        verbose_name_plural = _("Bewilligungen")
        ordering = ["-von", "-pk"]
        permissions = [("release_bewilligung", _("Bewilligungen im Vier-Augen-Prinzip freigeben"))]
        indexes = [
            models.Index(fields=["mandant", "status", "von", "bis"], name="leistung_bewilligung_aktiv")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(vier_augen_erforderlich=False)
                | Q(freigegeben_von__isnull=True)
                | ~Q(freigegeben_von=F("erstellt_von")),
                name="leistung_bewilligung_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(bis__gte=F("von")), name="leistung_bewilligung_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Bewilligung {self.bedarfsgemeinschaft} {self.von:%m/%Y}–{self.bis:%m/%Y}"

    @property
    def entschieden_am(self):
        """The day the decision was taken: released, or prepared when no second person was needed."""
        return timezone.localdate(self.freigegeben_am or self.erstellt_am)


class Leistungsbetrag(models.Model):
    """The amounts granted to one person for one month of a Bewilligung, fixed when it is prepared.

    `auszahlung_*` split the Zahlbetrag by kind: income covers the Regelbedarf and Mehrbedarfe
    first, then the housing costs (§ 19 Abs. 3 S. 2 SGB II), so the KdU part is paid in full
    first. The three parts add up to `zahlbetrag`.
    """

    bewilligung = models.ForeignKey(Bewilligung, on_delete=models.PROTECT, related_name="betraege")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    monat = models.DateField(_("Monat"))
    regelbedarf = models.DecimalField(_("Regelbedarf inkl. Sofortzuschlag"), **GELD)
    mehrbedarf = models.DecimalField(_("Mehrbedarfe"), **GELD)
    kdu = models.DecimalField(_("Unterkunft und Heizung"), **GELD)
    einkommen = models.DecimalField(_("angerechnetes Einkommen"), **GELD)
    minderung = models.DecimalField(_("Minderung"), **GELD, default=NULL)
    zahlbetrag = models.DecimalField(_("Zahlbetrag"), **GELD)
    auszahlung_regelbedarf = models.DecimalField(**GELD)
    auszahlung_mehrbedarf = models.DecimalField(**GELD)
    auszahlung_kdu = models.DecimalField(**GELD)

    class Meta:
        verbose_name = _("Leistungsbetrag")
        verbose_name_plural = _("Leistungsbeträge")
        ordering = ["monat", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["bewilligung", "person", "monat"], name="leistung_betrag_once"),
            # Within half a cent: SQLite compares decimals as binary floats.
            models.CheckConstraint(
                condition=Q(
                    zahlbetrag__gte=F("auszahlung_regelbedarf")
                    + F("auszahlung_mehrbedarf")
                    + F("auszahlung_kdu")
                    - Decimal("0.005")
                )
                & Q(
                    zahlbetrag__lte=F("auszahlung_regelbedarf")
                    + F("auszahlung_mehrbedarf")
                    + F("auszahlung_kdu")
                    + Decimal("0.005")
                ),
                name="leistung_betrag_parts_sum",
            ),
        ]
        indexes = [models.Index(fields=["monat", "bewilligung"], name="leistung_betrag_monat")]


class Schreiben(MandantModel):
    """A letter the system wrote (Bescheid, request for documents), filed as a Dokument."""

    class Art(models.TextChoices):
        BEWILLIGUNGSBESCHEID = "bewilligungsbescheid", _("Bewilligungsbescheid")
        UNTERLAGENANFORDERUNG = "unterlagenanforderung", _("Anforderung von Unterlagen (§ 60 SGB I)")

    art = models.CharField(_("Art"), max_length=30, choices=Art)
    bedarfsgemeinschaft = models.ForeignKey(Bedarfsgemeinschaft, on_delete=models.PROTECT, related_name="+")
    antrag = models.ForeignKey(Antrag, on_delete=models.PROTECT, related_name="schreiben")
    bewilligung = models.ForeignKey(
        Bewilligung, on_delete=models.PROTECT, null=True, blank=True, related_name="schreiben"
    )
    dokument = models.OneToOneField("akte.Dokument", on_delete=models.PROTECT, related_name="+")
    erstellt_von = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    erstellt_am = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Schreiben")
        verbose_name_plural = _("Schreiben")
        ordering = ["-erstellt_am"]

    @property
    def datum(self):
        """The letter's date: a Bescheid is dated the day of its decision, even when filed later."""
        if self.bewilligung is not None:
            return self.bewilligung.entschieden_am
        return timezone.localdate(self.erstellt_am)


class Zahllauf(MandantModel):
    """The payment run for one Zahlmonat (benefits are paid monthly in advance, § 42 Abs. 1 SGB II).

    State transitions: LAEUFT -> ABGESCHLOSSEN; LAEUFT -> LAEUFT (resumed after a crash: the chunks
    already booked are skipped). One run per Mandant and month; the SEPA files (`Zahlungsdatei`,
    at most `SEPA_MAX_JE_DATEI` transfers each) and the run report are filed as Dokumente.
    """

    class Status(models.TextChoices):
        LAEUFT = "laeuft", _("läuft")
        ABGESCHLOSSEN = "abgeschlossen", _("abgeschlossen")

    zahlmonat = models.DateField(_("Zahlmonat"), help_text=_("Erster Tag des Monats, für den gezahlt wird."))
    status = models.CharField(_("Status"), max_length=20, choices=Status, default=Status.LAEUFT)
    ausfuehrungsdatum = models.DateField(_("Ausführungsdatum"))
    job = models.ForeignKey(BackgroundJob, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bericht_dokument = models.ForeignKey(
        "akte.Dokument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Laufbericht"),
    )
    bericht = models.JSONField(_("Laufbericht"), default=dict, blank=True)
    gestartet_von = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    gestartet_am = models.DateTimeField(_("gestartet am"), default=timezone.now)
    beendet_am = models.DateTimeField(_("beendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Zahllauf")
        verbose_name_plural = _("Zahlläufe")
        ordering = ["-zahlmonat"]
        permissions = [("run_zahllauf", _("Zahllauf starten"))]
        constraints = [
            models.UniqueConstraint(fields=["mandant", "zahlmonat"], name="leistung_zahllauf_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"Zahllauf {self.zahlmonat:%m/%Y}"


class Zahlungsdatei(models.Model):
    """One SEPA credit-transfer file (pain.001.001.09) of a Zahllauf, filed in the e-Akte."""

    zahllauf = models.ForeignKey(Zahllauf, on_delete=models.PROTECT, related_name="dateien")
    nummer = models.PositiveSmallIntegerField(_("Nummer"))
    dokument = models.OneToOneField("akte.Dokument", on_delete=models.PROTECT, related_name="+")
    anzahl = models.PositiveIntegerField(_("Überweisungen"))
    summe = models.DecimalField(_("Summe"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("Zahlungsdatei")
        verbose_name_plural = _("Zahlungsdateien")
        ordering = ["zahllauf_id", "nummer"]
        constraints = [
            models.UniqueConstraint(fields=["zahllauf", "nummer"], name="leistung_zahlungsdatei_once"),
        ]


class Zahlung(MandantModel):
    """One credit transfer of a Zahllauf: to a BG's account or, for the KdU, to the landlord.

    The unique key (BG, Zahlmonat, Empfängerart) is what makes the run idempotent: a second
    attempt to pay the same BG for the same month fails inside its transaction.
    """

    class Empfaenger(models.TextChoices):
        BG = "bg", _("Leistungsberechtigte")
        VERMIETER = "vermieter", _("Vermieter/in (§ 22 Abs. 7 SGB II)")

    zahllauf = models.ForeignKey(Zahllauf, on_delete=models.PROTECT, related_name="zahlungen")
    bedarfsgemeinschaft = models.ForeignKey(Bedarfsgemeinschaft, on_delete=models.PROTECT, related_name="+")
    zahlmonat = models.DateField(_("Zahlmonat"))
    empfaenger = models.CharField(_("Empfänger"), max_length=20, choices=Empfaenger)
    name = models.CharField(_("Name"), max_length=140)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    betrag = models.DecimalField(_("Betrag"), **GELD)
    verwendungszweck = models.CharField(_("Verwendungszweck"), max_length=140)
    end_to_end_id = models.CharField(_("End-to-End-ID"), max_length=35)

    class Meta:
        verbose_name = _("Zahlung")
        verbose_name_plural = _("Zahlungen")
        ordering = ["zahllauf_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bedarfsgemeinschaft", "zahlmonat", "empfaenger"],
                name="leistung_zahlung_once_per_month",
            ),
        ]


class Buchung(MandantModel):
    """One line of the benefits ledger: an amount of one kind for one person and Leistungsmonat.

    Lines come from sources: today a `Leistungsbetrag` of a Bewilligung; later rules (changes,
    Minderungen, Aufrechnungen, one-off payments) add their own lines with their own source. A
    Zahllauf pays every open line of a BG whose Leistungsmonat is due and links it to the `Zahlung`.
    Each source line is booked at most once per kind (unique key), so a rerun skips booked lines.
    """

    class Art(models.TextChoices):
        REGELBEDARF = "regelbedarf", _("Regelbedarf")
        MEHRBEDARF = "mehrbedarf", _("Mehrbedarf")
        KDU = "kdu", _("Unterkunft und Heizung")
        KDU_VERMIETER = "kdu_vermieter", _("Unterkunft und Heizung an Vermieter/in")

    bedarfsgemeinschaft = models.ForeignKey(Bedarfsgemeinschaft, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    leistungsmonat = models.DateField(_("Leistungsmonat"))
    art = models.CharField(_("Art"), max_length=20, choices=Art)
    betrag = models.DecimalField(_("Betrag"), **GELD)
    leistungsbetrag = models.ForeignKey(
        Leistungsbetrag, on_delete=models.PROTECT, null=True, blank=True, related_name="buchungen"
    )
    zahlung = models.ForeignKey(
        Zahlung, on_delete=models.PROTECT, null=True, blank=True, related_name="buchungen"
    )
    gebucht_am = models.DateTimeField(_("gebucht am"), default=timezone.now)

    class Meta:
        verbose_name = _("Buchung")
        verbose_name_plural = _("Buchungen")
        ordering = ["leistungsmonat", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["leistungsbetrag", "art"], name="leistung_buchung_once_per_source"
            ),
        ]
        indexes = [
            models.Index(fields=["bedarfsgemeinschaft", "leistungsmonat"], name="leistung_buchung_bg_monat")
        ]
