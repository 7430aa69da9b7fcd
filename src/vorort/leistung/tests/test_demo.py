"""The leistung demo part: a released grant for every BG, a paid history, and a live Zahllauf that works."""

from __future__ import annotations

import pytest
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from vorort.core.models import Mandant, User
from vorort.demo.build import KREIS_KURZNAME, build_demo
from vorort.demo.registry import teile
from vorort.leistung.demo import HISTORIE_MONATE, leistungsgeschichte
from vorort.leistung.eingabe import monatsanfang
from vorort.leistung.models import Bewilligung, Buchung, Leistungsbetrag, Zahllauf, Zahlung
from vorort.leistung.zahllauf import run_zahllauf, start_zahllauf
from vorort.personen.models import Bedarfsgemeinschaft

SEHR_KLEIN = 0.02  # 132 BGs in the demo county, plus the neighbour county


@pytest.fixture
def demo_sehr_klein(db):
    return build_demo(seed=7, scale=SEHR_KLEIN)


def _aktueller_monat():
    return monatsanfang(timezone.localdate())


def test_the_package_registers_the_part():
    part = next(t for t in teile() if t.name == "leistung")
    assert (part.order, part.func) == (300, leistungsgeschichte)


def test_every_demo_bg_has_a_current_grant_released_by_a_second_person(demo_sehr_klein):
    aktuell = _aktueller_monat()
    for mandant in Mandant.objects.all():
        bgs = set(Bedarfsgemeinschaft.objects.filter(mandant=mandant).values_list("pk", flat=True))
        assert bgs, mandant
        aktuelle = list(
            Bewilligung.objects.filter(mandant=mandant)
            .aktiv_im(aktuell)
            .values_list("bedarfsgemeinschaft_id", "erstellt_von_id", "freigegeben_von_id")
        )
        assert sorted(bg for bg, _, _ in aktuelle) == sorted(bgs), mandant
        for bg, macher, freigeber in aktuelle:
            assert freigeber is not None and freigeber != macher, (mandant, bg)
        laeufe = Zahllauf.objects.filter(mandant=mandant, status=Zahllauf.Status.ABGESCHLOSSEN)
        assert laeufe.count() == HISTORIE_MONATE
        assert not laeufe.filter(zahlmonat__gte=aktuell).exists()
        for lauf in laeufe:  # the report of each past run counts what was stored for it
            zahlungen = Zahlung.objects.filter(mandant=mandant, zahlmonat=lauf.zahlmonat, betrag__gt=0)
            assert lauf.bericht["ueberweisungen"] == zahlungen.count(), lauf.zahlmonat


def test_the_live_run_pays_the_current_month_and_nothing_twice(demo_sehr_klein):
    aktuell = _aktueller_monat()
    kreis = Mandant.objects.get(kurzname=KREIS_KURZNAME)
    weber = User.objects.get(username="weber")
    historie = Zahlung.objects.filter(mandant=kreis).count()

    zahllauf, neu = start_zahllauf(kreis, aktuell, acting_user=weber)
    assert neu
    zahllauf = run_zahllauf(zahllauf)

    assert zahllauf.status == Zahllauf.Status.ABGESCHLOSSEN
    assert zahllauf.bericht["abgestimmt"] is True
    neue = Zahlung.objects.filter(zahllauf=zahllauf)
    assert neue.exists()
    assert Zahlung.objects.filter(mandant=kreis).count() == historie + neue.count()
    assert set(neue.values_list("zahlmonat", flat=True)) == {aktuell}
    # The history was booked as book_chunk books it: the run paid no back payments for past months ...
    assert set(Buchung.objects.filter(zahlung__in=neue).values_list("leistungsmonat", flat=True)) == {aktuell}
    # ... and left no released amount up to this month unbooked.
    offen = Leistungsbetrag.objects.filter(
        bewilligung__mandant=kreis, bewilligung__status=Bewilligung.Status.BEWILLIGT, monat__lte=aktuell
    ).filter(~Exists(Buchung.objects.filter(leistungsbetrag_id=OuterRef("pk"))))
    assert not offen.exists()
    gebucht = Buchung.objects.filter(zahlung__in=neue).aggregate(s=Sum("betrag"))["s"]
    assert neue.aggregate(s=Sum("betrag"))["s"] == gebucht
