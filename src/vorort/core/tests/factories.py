"""Factories for core objects: one line builds a valid object."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from vorort.core.models import Mandant, Rolle, Team, User

TEST_PASSWORD = "Sicheres-Testpasswort-2026"


class MandantFactory(DjangoModelFactory[Mandant]):
    class Meta:
        model = Mandant

    name = factory.Sequence(lambda n: f"Jobcenter Testkreis {n}")
    kurzname = factory.Sequence(lambda n: f"test-{n}")
    kreisschluessel = "15088"
    strasse = "Domplatz 9"
    plz = "06217"
    ort = "Merseburg"
    iban = "DE83800537621234567890"
    bic = "NOLADE21SES"


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    mandant = factory.SubFactory(MandantFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kuerzel = factory.Sequence(lambda n: f"T{n}")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    mandant = factory.SubFactory(MandantFactory)
    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def rollen(self, create, extracted: list[Rolle] | None, **kwargs):
        for rolle in extracted or []:
            self.groups.add(Group.objects.get(name=rolle.value))

    @factory.post_generation
    def teams(self, create, extracted: list[Team] | None, **kwargs):
        for team in extracted or []:
            self.teams.add(team)
