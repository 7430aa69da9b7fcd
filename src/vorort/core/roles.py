"""Which permissions each role (Django group) grants.

The groups are (re)built from this table after every migration, so the table in code is the one
place to review who may do what. Need-to-know beyond the role (which BGs) comes from teams and
Zuständigkeit, see `personen.models.BedarfsgemeinschaftQuerySet.visible_to`.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from vorort.core.models import Rolle

FALLARBEIT = {
    "personen.view_person",
    "personen.add_person",
    "personen.change_person",
    "personen.view_bedarfsgemeinschaft",
    "personen.add_bedarfsgemeinschaft",
    "personen.change_bedarfsgemeinschaft",
    "akte.view_dokument",
    "akte.add_dokument",
}

LEISTUNG = {
    "leistung.view_antrag",
    "leistung.add_antrag",
    "leistung.change_antrag",
    "leistung.add_berechnung",
    "leistung.view_bewilligung",
    "leistung.add_bewilligung",
    "leistung.release_bewilligung",
}
ZAHLLAUF = {"leistung.view_zahllauf", "leistung.run_zahllauf"}

ROLLEN_RECHTE: dict[Rolle, set[str]] = {
    Rolle.LEISTUNG: FALLARBEIT | LEISTUNG | {"personen.merge_person"},
    Rolle.INTEGRATION: FALLARBEIT | {"core.view_besondere_kategorien"},
    Rolle.ARBEITGEBERSERVICE: {"personen.view_person", "personen.view_bedarfsgemeinschaft"},
    Rolle.MASSNAHMEN: {"personen.view_person"},
    Rolle.TEAMLEITUNG: FALLARBEIT
    | LEISTUNG
    | ZAHLLAUF
    | {"personen.merge_person", "core.view_besondere_kategorien"},
    Rolle.GESCHAEFTSFUEHRUNG: FALLARBEIT
    | ZAHLLAUF
    | {"core.view_alle_faelle", "leistung.view_antrag", "leistung.view_bewilligung"},
    Rolle.CONTROLLING: {"leistung.view_zahllauf"},
    Rolle.DATENSCHUTZ: {"core.view_auditlog"},
    Rolle.ADMINISTRATION: {"core.manage_users", "core.manage_mandant", "core.view_user", "core.view_team"},
}


def sync_roles(**_kwargs) -> None:
    """Create one group per role and give it exactly the permissions of the table."""
    for rolle, rechte in ROLLEN_RECHTE.items():
        group, _created = Group.objects.get_or_create(name=rolle.value)
        perms = []
        for recht in sorted(rechte):
            app_label, codename = recht.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
