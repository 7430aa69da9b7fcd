"""Factories for the person registry."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from vorort.core.tests.factories import MandantFactory, TeamFactory
from vorort.personen.models import Bedarfsgemeinschaft, Geschlecht, Haushalt, Mitgliedschaft, Person, Rolle


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    mandant = factory.SubFactory(MandantFactory)
    kundennummer = factory.Sequence(lambda n: f"K{n:09d}")
    vorname = "Anna"
    nachname = factory.Sequence(lambda n: f"Beispiel{n}")
    geburtsdatum = datetime.date(1985, 3, 12)
    geschlecht = Geschlecht.WEIBLICH


class HaushaltFactory(DjangoModelFactory[Haushalt]):
    class Meta:
        model = Haushalt

    mandant = factory.SubFactory(MandantFactory)
    strasse = "Gotthardstraße"
    hausnummer = factory.Sequence(lambda n: str(n + 1))
    plz = "06217"
    ort = "Merseburg"
    gemeinde_ags = "15088205"


class BedarfsgemeinschaftFactory(DjangoModelFactory[Bedarfsgemeinschaft]):
    class Meta:
        model = Bedarfsgemeinschaft

    mandant = factory.SubFactory(MandantFactory)
    nummer = factory.Sequence(lambda n: f"15088BG{n:07d}")
    haushalt = factory.SubFactory(HaushaltFactory, mandant=factory.SelfAttribute("..mandant"))
    team = factory.SubFactory(TeamFactory, mandant=factory.SelfAttribute("..mandant"))
    status = Bedarfsgemeinschaft.Status.AKTIV
    leistungsbezug_seit = datetime.date(2024, 1, 1)


class MitgliedschaftFactory(DjangoModelFactory[Mitgliedschaft]):
    class Meta:
        model = Mitgliedschaft

    bedarfsgemeinschaft = factory.SubFactory(BedarfsgemeinschaftFactory)
    person = factory.SubFactory(PersonFactory, mandant=factory.SelfAttribute("..bedarfsgemeinschaft.mandant"))
    rolle = Rolle.ANTRAGSTELLER
    gueltig_ab = datetime.date(2024, 1, 1)
