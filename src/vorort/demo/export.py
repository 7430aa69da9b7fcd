"""Export a demo Mandant from the database in the format of `demo-county-check.py`.

Everything is read back from the stored rows, so the check tests what the application holds:
memberships valid at the Stichtag (role, eLb, entitled), persons (birth date, sex, nationality,
Arbeitsmarktstatus, vocational qualification), employments valid at the Stichtag (earnings), the
BG's `leistungsbezug_seit` (months in receipt up to the profile's reference month) and the
Haushalt (municipality by AGS, Bruttokaltmiete). The BG type is derived from the members with the
check's own definitions. Five queries, whatever the size.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.db.models import Q, Sum

from vorort.core.models import Mandant
from vorort.demo.profil import county_profile, stichtag
from vorort.demo.tabellen import write_tables
from vorort.personen.models import Bedarfsgemeinschaft, Beschaeftigung, Mitgliedschaft, Rolle

ROLLE_EXPORT = {
    Rolle.ANTRAGSTELLER: "head",
    Rolle.PARTNER: "partner",
    Rolle.KIND: "child",
    Rolle.SONSTIGE: "other",
}
ROLLE_ORDNUNG = {"head": 0, "partner": 1, "child": 2, "other": 3}
SEX_EXPORT = {"w": "f", "m": "m", "d": "d", "x": "d"}


def export_tables(mandant: Mandant) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(persons, bgs) of one Mandant as stored, in the check's columns, in a stable order."""
    tag = stichtag()
    monat = tag.year * 12 + tag.month - 1
    gemeinden = {g["ags"]: g for g in county_profile()["municipalities"]}

    bg_rows = Bedarfsgemeinschaft.objects.filter(mandant=mandant).values_list(
        "pk", "nummer", "leistungsbezug_seit", "haushalt__gemeinde_ags", "haushalt__bruttokaltmiete_m"
    )
    bgs = {}
    for pk, nummer, seit, ags, miete in bg_rows:
        gemeinde = gemeinden.get(ags, {})
        bgs[pk] = {
            "bg_id": nummer,
            "municipality": gemeinde.get("id", ags),
            "vergleichsraum": gemeinde.get("vergleichsraum", ""),
            "bruttokaltmiete": float(miete) if miete is not None else None,
            "months_in_receipt": monat - (seit.year * 12 + seit.month - 1) if seit else 0,
        }
    earnings = dict(
        Beschaeftigung.objects.filter(person__mandant=mandant, gueltig_ab__lte=tag)
        .filter(Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=tag))
        .values("person_id")
        .annotate(summe=Sum("brutto_m"))
        .values_list("person_id", "summe")
    )
    members = (
        Mitgliedschaft.objects.gueltig_am(tag)
        .filter(bedarfsgemeinschaft__mandant=mandant)
        .values_list(
            "bedarfsgemeinschaft_id",
            "person_id",
            "rolle",
            "erwerbsfaehig",
            "leistungsberechtigt",
            "person__kundennummer",
            "person__geburtsdatum",
            "person__geschlecht",
            "person__staatsangehoerigkeit",
            "person__arbeitsmarktstatus",
            "person__ohne_berufsabschluss",
        )
    )
    rows = []
    for bg_pk, person_pk, rolle, elb, entitled, kundennummer, geburt, sex, nat, status, novq in members:
        bg = bgs[bg_pk]
        age = tag.year - geburt.year - ((tag.month, tag.day) < (geburt.month, geburt.day))
        role = ROLLE_EXPORT[rolle]
        rows.append(
            {
                "bg_id": bg["bg_id"],
                "person_id": kundennummer,
                "age": age,
                "sex": SEX_EXPORT.get(sex, "d"),
                "role": role,
                "elb": int(elb),
                "entitled": int(entitled),
                "earnings": round(float(earnings.get(person_pk) or 0), 2),
                "months_in_receipt": bg["months_in_receipt"],
                "municipality": bg["municipality"],
                "nationality": nat,
                "status": status if elb else "",
                "no_vocational_qualification": int(novq),
                "_ordnung": ROLLE_ORDNUNG[role],
            }
        )
    persons = (
        pl.DataFrame(rows, infer_schema_length=None).sort(["bg_id", "_ordnung", "person_id"]).drop("_ordnung")
    )
    bg_frame = pl.DataFrame(list(bgs.values()), infer_schema_length=None).join(
        _bg_types(persons), on="bg_id", how="left"
    )
    return persons, bg_frame.sort("bg_id")


def _bg_types(persons: pl.DataFrame) -> pl.DataFrame:
    """BG type and size from the entitled members, by the check's definitions."""
    entitled = persons.filter(pl.col("entitled") == 1)
    per_bg = entitled.group_by("bg_id").agg(
        rlb=pl.len(),
        partners=(pl.col("role") == "partner").sum(),
        minors=((pl.col("role") == "child") & (pl.col("age") < 18)).sum(),
        others=(
            (pl.col("role") != "head")
            & (pl.col("role") != "partner")
            & ~((pl.col("role") == "child") & (pl.col("age") < 18))
        ).sum(),
    )
    bg_type = (
        pl.when(pl.col("partners") >= 1)
        .then(
            pl.when(pl.col("minors") > 0)
            .then(pl.lit("couple_children"))
            .when(pl.col("others") == 0)
            .then(pl.lit("couple"))
            .otherwise(pl.lit("other"))
        )
        .when(pl.col("minors") > 0)
        .then(pl.lit("single_parent"))
        .when(pl.col("rlb") == 1)
        .then(pl.lit("single"))
        .otherwise(pl.lit("other"))
    )
    sizes = persons.group_by("bg_id").agg(persons=pl.len())
    return per_bg.select("bg_id", bg_type.alias("bg_type")).join(sizes, on="bg_id", how="left")


def export_county(directory: Path, *, kurzname: str, seed: int | None, scale: float | None) -> list[Path]:
    """Write persons.csv, bgs.csv and metadata.json of one demo Mandant into directory."""
    mandant = Mandant.objects.get(kurzname=kurzname)
    persons, bgs = export_tables(mandant)
    metadata = {
        "mandant": mandant.kurzname,
        "seed": seed,
        "scale": scale,
        "stichtag": stichtag().isoformat(),
        "schema_version": county_profile()["schema_version"],
        "bgs": bgs.height,
        "persons": persons.height,
    }
    return write_tables(directory, persons, bgs, metadata=metadata)
