"""Screens: edit with conflict message, calculation in German, release by a second person, Zahllauf."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from vorort.leistung.models import Antrag, Berechnung, Bewilligung, Zahllauf
from vorort.leistung.tests.faelle import erwartet_bg


def anmelden(client, user) -> None:
    """Both factors, as after a real login with a correct TOTP code."""
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def test_edit_shows_field_error_and_conflict(client, antrag_v01, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("leistung:antrag", args=[antrag_v01.pk])
    daten = {"antragsdatum": "01.03.2023", "leistungsbeginn": "01.03.2023"} | {
        f: getattr(antrag_v01, f) or ""
        for f in (
            "gemeinde_ags",
            "kaltmiete_m",
            "heizkosten_m",
            "kontoinhaber",
            "iban",
        )
    }
    response = client.post(url, daten | {"version": 1, "kaltmiete_m": "-100"})
    assert "Die Bruttokaltmiete darf nicht negativ sein" in response.content.decode()
    response = client.post(url, daten | {"version": 1, "kaltmiete_m": "430"})
    assert response.status_code == 302
    response = client.post(url, daten | {"version": 1, "kaltmiete_m": "440"}, follow=True)
    assert "inzwischen von Sabine Schulz geändert" in response.content.decode()
    antrag_v01.refresh_from_db()
    assert antrag_v01.kaltmiete_m == Decimal("430.00")


def test_journey_calculate_explain_release(
    client, antrag_v01, sachbearbeiterin_schulz, teamleitung_weber, fall_v01
):
    anmelden(client, sachbearbeiterin_schulz)
    response = client.post(reverse("leistung:antrag_berechnen", args=[antrag_v01.pk]), follow=True)
    seite = response.content.decode()
    assert "So wurde gerechnet" in seite
    assert "§ 20 Abs. 1a und 2 SGB II" in seite
    assert "997,00 €" in seite
    berechnung = Berechnung.objects.get()
    response = client.post(reverse("leistung:bewilligung_vorbereiten", args=[berechnung.pk]), follow=True)
    assert "wartet auf Freigabe" in response.content.decode()
    bewilligung = Bewilligung.objects.get()
    response = client.post(reverse("leistung:bewilligung_freigeben", args=[bewilligung.pk]), follow=True)
    assert "zweite Person freigeben" in response.content.decode()
    client.logout()
    anmelden(client, teamleitung_weber)
    assert (
        bewilligung.bedarfsgemeinschaft.nummer
        in client.get(reverse("leistung:arbeitsvorrat")).content.decode()
    )
    response = client.post(reverse("leistung:bewilligung_freigeben", args=[bewilligung.pk]), follow=True)
    assert "Bescheid wurde erstellt" in response.content.decode()
    bewilligung.refresh_from_db()
    assert bewilligung.status == Bewilligung.Status.BEWILLIGT
    assert bewilligung.schreiben.count() == 1
    assert Antrag.objects.get().status == Antrag.Status.BEWILLIGT
    assert bewilligung.zahlbetrag_monat == erwartet_bg(fall_v01, "zahlbetrag_m")


def test_zahllauf_screen_starts_a_run(
    client, bewilligung_v01, teamleitung_weber, django_capture_on_commit_callbacks
):
    anmelden(client, teamleitung_weber)
    monat = f"{bewilligung_v01.von:%m.%Y}"
    vorschau = client.get(reverse("leistung:zahllauf_vorschau"), {"monat": monat}).context["vorschau"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("leistung:zahllauf_starten"), {"monat": monat, "pruefwert": vorschau.pruefwert}
        )
    zahllauf = Zahllauf.objects.get()
    assert response.url == reverse("leistung:zahllauf", args=[zahllauf.pk])
    assert len(callbacks) == 1, "the run is enqueued after commit"
    seite = client.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in seite
