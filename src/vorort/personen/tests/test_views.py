"""Views of personen: search, the person's and BG's file, forms, duplicate check and merge."""

from __future__ import annotations

import datetime

import pytest
from conftest import anmelden
from django.urls import reverse

from vorort.core.models import AuditEvent
from vorort.personen.models import Adresse, Bankverbindung, Person
from vorort.personen.models import Rolle as BgRolle
from vorort.personen.tests.factories import (
    BedarfsgemeinschaftFactory,
    MitgliedschaftFactory,
    PersonFactory,
)


def krause(bg_krause) -> Person:
    return bg_krause.mitgliedschaften.get().person


def treffer_namen(antwort) -> list[str]:
    return [f"{z['person'].nachname}, {z['person'].vorname}" for z in antwort.context["zeilen"]]


# --- Search --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suchbegriff",
    [
        "Krause",
        "krause",
        "Kraus",
        "Krauze",
        "04.05.1979",
        "15088BG0000042",
        "Karl Krause",
        "Krause 04.05.1979",
    ],
)
def test_search_finds_krause(client, sachbearbeiterin_schulz, bg_krause, bg_nachbar, suchbegriff):
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.get(reverse("personen:suche"), {"q": suchbegriff})
    assert treffer_namen(antwort) == ["Krause, Karl"]
    html = antwort.content.decode()
    assert "04.05.1979" in html
    assert "15088BG0000042" in html
    assert krause(bg_krause).kundennummer in html


def test_search_says_when_there_are_more_than_fifty_hits(client, sachbearbeiterin_schulz, testkreis):
    for i in range(61):
        PersonFactory(mandant=testkreis, nachname="Schmidt", vorname=f"Vorname{i:02d}")
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.get(reverse("personen:suche"), {"q": "Schmidt"})
    html = antwort.content.decode()
    assert len(antwort.context["zeilen"]) == 50
    assert "Mehr als 50 Treffer für „Schmidt“ (insgesamt 61) – bitte eingrenzen" in html


def test_search_by_kundennummer_and_umlaut_folding(client, sachbearbeiter_braun, bg_mueller):
    jana = bg_mueller.mitgliedschaften.get(rolle=BgRolle.ANTRAGSTELLER).person
    anmelden(client, sachbearbeiter_braun)
    antwort = client.get(reverse("personen:suche"), {"q": "Mueller"})
    assert treffer_namen(antwort) == ["Müller, Jana", "Müller, Leon"]
    antwort = client.get(reverse("personen:suche"), {"q": jana.kundennummer})
    assert treffer_namen(antwort) == ["Müller, Jana"]


def test_search_without_hits_says_so_and_explains(client, sachbearbeiterin_schulz, bg_mueller):
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.get(reverse("personen:suche"), {"q": "Müller"})  # team Leistung 2's case
    html = antwort.content.decode()
    assert antwort.context["zeilen"] == []
    assert "Keine Treffer für „Müller“" in html
    assert "Geburtsdatum (TT.MM.JJJJ oder TT.MM.JJ), Kundennummer (mit oder ohne K)" in html


def test_search_answers_htmx_with_the_result_fragment(client, sachbearbeiterin_schulz, bg_krause):
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.get(reverse("personen:suche"), {"q": "Krause"}, HTTP_HX_REQUEST="true")
    html = antwort.content.decode()
    assert "Krause, Karl" in html
    assert "<html" not in html
    seite = client.get(reverse("personen:suche")).content.decode()
    assert 'hx-get="/personen/suche/"' in seite
    assert 'hx-trigger="input changed delay:300ms, search"' in seite


def test_other_mandant_never_sees_testkreis(client, nachbar_nora, bg_krause, bg_nachbar):
    anmelden(client, nachbar_nora)
    antwort = client.get(reverse("personen:suche"), {"q": "Krause"})
    assert all(z["person"].mandant_id == nachbar_nora.mandant_id for z in antwort.context["zeilen"])
    assert "15088BG0000042" not in antwort.content.decode()
    antwort = client.get(reverse("personen:suche"), {"q": "15088BG0000042"})
    assert antwort.context["zeilen"] == []
    assert client.get(reverse("personen:person", args=[krause(bg_krause).pk])).status_code == 404
    assert client.get(reverse("personen:bg", args=[bg_krause.pk])).status_code == 404
    assert client.get(reverse("personen:aendern", args=[krause(bg_krause).pk])).status_code == 404
    assert not AuditEvent.objects.filter(
        typ=AuditEvent.Typ.PERSON_GELESEN, person_id=krause(bg_krause).pk
    ).exists()


def test_search_results_queries_do_not_grow(
    client, django_assert_num_queries, sachbearbeiterin_schulz, testkreis, team_leistung_1
):
    # Warm-up: the same page with one person, then twenty; the counts must be equal.
    def zander(anzahl):
        for i in range(anzahl):
            bg = BedarfsgemeinschaftFactory(mandant=testkreis, team=team_leistung_1)
            person = PersonFactory(mandant=testkreis, nachname="Zander", vorname=f"Vorname{i}")
            MitgliedschaftFactory(bedarfsgemeinschaft=bg, person=person)
            Adresse.objects.create(
                person=person,
                strasse="Weg",
                hausnummer=str(i),
                plz="06217",
                ort="Merseburg",
                gueltig_ab=datetime.date(2024, 1, 1),
            )

    anmelden(client, sachbearbeiterin_schulz)
    counts = []
    for anzahl in (1, 19):
        zander(anzahl)
        # session, user, OTP device, permissions (user, groups), team ids, the search, the search's
        # audit event (Mandant, savepoint, chain head, insert, head update, release), BG numbers,
        # BG names, addresses, the header's roles, session save (savepoint, update, release)
        with django_assert_num_queries(20) as erfasst:
            antwort = client.get(reverse("personen:suche"), {"q": "Zander"})
        counts.append(len(erfasst.captured_queries))
    assert len(antwort.context["zeilen"]) == 20
    assert counts[0] == counts[1]


# --- The file (Akte) -----------------------------------------------------------------------


def test_opening_the_person_file_records_the_read(client, sachbearbeiterin_schulz, bg_krause):
    person = krause(bg_krause)
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.get(reverse("personen:person", args=[person.pk]))
    html = antwort.content.decode()
    assert antwort.status_code == 200
    assert "Karl Krause" in html
    assert person.kundennummer in html
    assert "04.05.1979" in html
    assert "15088BG0000042" in html
    assert "Leistung 1" in html
    assert 'aria-current="page">Stammdaten' in html
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.PERSON_GELESEN)
    assert event.acting_user == sachbearbeiterin_schulz
    assert event.person_id == person.pk
    assert event.zweck == "Personenakte: Stammdaten"


@pytest.mark.parametrize("tab", ["stammdaten", "bg", "dokumente", "leistungen", "integration", "termine"])
def test_every_person_tab_renders(client, sachbearbeiterin_schulz, bg_krause, tab):
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.get(reverse("personen:person_tab", args=[krause(bg_krause).pk, tab]))
    assert antwort.status_code == 200
    assert antwort.context["aktiv"].key == tab
    if tab in ("dokumente", "leistungen", "integration", "termine"):
        assert "Noch keine Einträge." in antwort.content.decode()


def test_bg_file_shows_members_and_records_the_read(client, sachbearbeiter_braun, bg_mueller):
    anmelden(client, sachbearbeiter_braun)
    antwort = client.get(reverse("personen:bg", args=[bg_mueller.pk]))
    html = antwort.content.decode()
    assert "Müller, Jana und 1 weitere Person" in html and "BG 15088BG0000043" in html
    assert "Müller, Jana" in html and "Müller, Leon" in html
    assert "nEf" in html and "eLb" in html
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.BG_GELESEN)
    assert (event.acting_user, event.bedarfsgemeinschaft_id, event.zweck) == (
        sachbearbeiter_braun,
        bg_mueller.pk,
        "BG-Akte: Bedarfsgemeinschaft",
    )
    assert client.get(reverse("personen:bg_tab", args=[bg_mueller.pk, "gibt-es-nicht"])).status_code == 404


def test_a_bg_is_named_by_its_members_wherever_it_appears(client, sachbearbeiter_braun, bg_mueller):
    """Issue 8: a BG is headed by its members' names, not only its number."""
    jana = bg_mueller.mitgliedschaften.get(rolle=BgRolle.ANTRAGSTELLER).person
    anmelden(client, sachbearbeiter_braun)
    html = client.get(reverse("personen:bg", args=[bg_mueller.pk])).content.decode()
    assert '<h1 class="kern-heading-large" id="aktentitel">Müller, Jana und 1 weitere Person' in html
    assert "<title>Müller, Jana und 1 weitere Person · BG 15088BG0000043" in html

    html = client.get(reverse("personen:person", args=[jana.pk])).content.decode()
    assert "Müller, Jana und 1 weitere Person · BG 15088BG0000043" in html
    html = client.get(reverse("personen:person_tab", args=[jana.pk, "bg"])).content.decode()
    assert "Müller, Jana und 1 weitere Person" in html
    html = client.get(reverse("personen:suche"), {"q": "Leon"}).content.decode()
    assert "Müller, Jana (+1)" in html


def test_other_team_gets_404_for_person_and_bg(client, sachbearbeiter_braun, bg_krause):
    anmelden(client, sachbearbeiter_braun)
    antwort = client.get(reverse("personen:person", args=[krause(bg_krause).pk]))
    assert antwort.status_code == 404
    assert "Seite nicht gefunden" in antwort.content.decode()
    assert client.get(reverse("personen:bg", args=[bg_krause.pk])).status_code == 404
    assert client.get(reverse("personen:person", args=[999999])).status_code == 404


def test_bank_account_is_masked(client, sachbearbeiterin_schulz, bg_krause):
    person = krause(bg_krause)
    Bankverbindung.objects.create(
        person=person,
        iban="DE89370400440532013000",
        kontoinhaber="Karl Krause",
        gueltig_ab=datetime.date(2024, 1, 1),
    )
    anmelden(client, sachbearbeiterin_schulz)
    html = client.get(reverse("personen:person", args=[person.pk])).content.decode()
    assert "DE89370400440532013000" not in html
    assert "3000" in html


def test_person_page_queries_do_not_grow(
    client, django_assert_num_queries, sachbearbeiterin_schulz, bg_krause
):
    person = krause(bg_krause)
    anmelden(client, sachbearbeiterin_schulz)
    counts = []
    for anzahl in (1, 19):
        for i in range(anzahl):
            Adresse.objects.create(
                person=person,
                strasse="Weg",
                hausnummer=str(i),
                plz="06217",
                ort="Merseburg",
                gueltig_ab=datetime.date(2000 + i, 1, 1),
                gueltig_bis=datetime.date(2000 + i, 12, 31),
            )
            Bankverbindung.objects.create(
                person=person,
                iban="DE89370400440532013000",
                kontoinhaber="K",
                gueltig_ab=datetime.date(2000 + i, 1, 1),
            )
        # session, user, OTP device, permissions (user, groups), team ids, person, read event (Mandant,
        # savepoint, chain head, insert, the person it concerns, head update, release), current BG and
        # its name, addresses, bank accounts, employments, records merged into this one, the header's
        # roles, session save (savepoint, update, release)
        with django_assert_num_queries(24) as erfasst:
            client.get(reverse("personen:person", args=[person.pk]))
        counts.append(len(erfasst.captured_queries))
    assert counts[0] == counts[1]


# --- Forms ---------------------------------------------------------------------------------

GUELTIG = {
    "vorname": "Erika",
    "nachname": "Neumann",
    "geburtsdatum": "12.03.1985",
    "geschlecht": "w",
    "staatsangehoerigkeit": "DE",
}


def test_create_person_and_open_the_file(client, sachbearbeiterin_schulz):
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.post(reverse("personen:neu"), GUELTIG)
    person = Person.objects.get(nachname="Neumann")
    assert antwort["Location"] == reverse("personen:person", args=[person.pk])
    assert person.geburtsdatum == datetime.date(1985, 3, 12)
    assert AuditEvent.objects.filter(typ=AuditEvent.Typ.PERSON_ANGELEGT, person_id=person.pk).exists()


@pytest.mark.parametrize(
    ("aenderung", "meldung", "feld"),
    [
        ({"nachname": ""}, "Bitte geben Sie den Nachnamen ein.", "nachname"),
        (
            {"geburtsdatum": "31.02.1990"},
            "Den 31.02.1990 gibt es nicht. Der Februar 1990 hat 28 Tage.",
            "geburtsdatum",
        ),
        ({"geburtsdatum": "01.01.2999"}, "Das Geburtsdatum 01.01.2999 liegt in der Zukunft.", "geburtsdatum"),
        ({"email": "keine-adresse"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein", "email"),
    ],
)
def test_create_person_shows_german_errors_and_keeps_values(
    client, sachbearbeiterin_schulz, aenderung, meldung, feld
):
    anmelden(client, sachbearbeiterin_schulz)
    antwort = client.post(reverse("personen:neu"), {**GUELTIG, **aenderung})
    html = antwort.content.decode()
    assert antwort.status_code == 200
    assert meldung in html
    assert (
        f'aria-describedby="id_{feld}-hinweis id_{feld}-fehler"' in html
        or f'aria-describedby="id_{feld}-fehler"' in html
    )
    assert 'value="Erika"' in html
    assert "Ihre Eingaben sind erhalten geblieben." in html
    assert not Person.objects.filter(vorname="Erika").exists()


def test_duplicate_check_shows_candidates_and_needs_confirmation(client, sachbearbeiterin_schulz, bg_krause):
    anmelden(client, sachbearbeiterin_schulz)
    daten = {
        **GUELTIG,
        "vorname": "Karl",
        "nachname": "Krauze",
        "geburtsdatum": "04.05.1979",
        "geschlecht": "m",
    }
    antwort = client.post(reverse("personen:neu"), daten)
    html = antwort.content.decode()
    assert antwort.status_code == 200
    assert [h.person.pk for h in antwort.context["kandidaten"]] == [krause(bg_krause).pk]
    assert krause(bg_krause).kundennummer in html
    assert "Nachname klingt gleich (Krauze / Krause)" in html and "Geburtsdatum gleich" in html
    assert "Ich habe die möglichen Dubletten geprüft; es ist eine andere Person." in html
    assert 'value="Krauze"' in html
    assert not Person.objects.filter(nachname="Krauze").exists()

    antwort = client.post(reverse("personen:neu"), {**daten, "dubletten_geprueft": "on"})
    neu = Person.objects.get(nachname="Krauze")
    assert antwort["Location"] == reverse("personen:person", args=[neu.pk])
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.DUBLETTE_BESTAETIGT)
    assert event.details == {"kandidaten": [krause(bg_krause).pk]}


def test_invalid_iban_message_next_to_the_field(client, sachbearbeiterin_schulz, bg_krause):
    person = krause(bg_krause)
    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("personen:bankverbindung_neu", args=[person.pk])
    antwort = client.post(
        url,
        {"iban": "DE89 3704 0044 0532 0130 01", "kontoinhaber": "Karl Krause", "gueltig_ab": "01.02.2026"},
    )
    html = antwort.content.decode()
    assert "Die IBAN DE89370400440532013001 ist ungültig: die Prüfziffer stimmt nicht." in html
    assert 'id="id_iban-fehler"' in html
    assert 'value="DE89 3704 0044 0532 0130 01"' in html
    assert not person.bankverbindungen.exists()

    antwort = client.post(
        url,
        {"iban": "DE89 3704 0044 0532 0130 00", "kontoinhaber": "Karl Krause", "gueltig_ab": "01.02.2026"},
    )
    assert antwort.status_code == 302
    assert person.bankverbindungen.get().iban == "DE89370400440532013000"


def test_new_address_ends_the_old_one(client, sachbearbeiterin_schulz, bg_krause):
    person = krause(bg_krause)
    alt = Adresse.objects.create(
        person=person,
        strasse="Alte Straße",
        hausnummer="1",
        plz="06217",
        ort="Merseburg",
        gueltig_ab=datetime.date(2020, 1, 1),
    )
    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("personen:adresse_neu", args=[person.pk])
    antwort = client.post(
        url,
        {
            "strasse": "Neue Straße",
            "hausnummer": "2",
            "plz": "6217",
            "ort": "Merseburg",
            "gueltig_ab": "01.03.2026",
        },
    )
    assert "Die Postleitzahl hat genau 5 Ziffern." in antwort.content.decode()
    client.post(
        url,
        {
            "strasse": "Neue Straße",
            "hausnummer": "2",
            "plz": "06217",
            "ort": "Merseburg",
            "gueltig_ab": "01.03.2026",
        },
    )
    alt.refresh_from_db()
    assert alt.gueltig_bis == datetime.date(2026, 2, 28)
    html = client.get(reverse("personen:person", args=[person.pk])).content.decode()
    assert "Neue Straße 2" in html and "01.01.2020 – 28.02.2026" in html
    assert (
        "Die neue Anschrift wurde gespeichert; die bisherige (Alte Straße 1, 06217 Merseburg) "
        "endet am 28.02.2026." in html
    )


def test_a_first_address_does_not_speak_of_a_previous_one(client, sachbearbeiterin_schulz, bg_krause):
    """Issue 8, defect 8: "die bisherige Anschrift endet am Vortag" only when there was one."""
    person = krause(bg_krause)
    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("personen:adresse_neu", args=[person.pk])
    formular = client.get(url).content.decode()
    assert "bisherige" not in formular
    assert "Für diese Person ist noch keine Anschrift erfasst." in formular
    daten = {"strasse": "Neue Straße", "hausnummer": "2", "plz": "06217", "ort": "Merseburg"}
    antwort = client.post(url, daten | {"gueltig_ab": "01.03.2026"}, follow=True)
    html = antwort.content.decode()
    assert "Die Anschrift wurde gespeichert." in html
    assert "bisherige" not in html and "Vortag" not in html


def test_edit_master_data(client, sachbearbeiterin_schulz, bg_krause):
    person = krause(bg_krause)
    anmelden(client, sachbearbeiterin_schulz)
    url = reverse("personen:aendern", args=[person.pk])
    assert 'value="04.05.1979"' in client.get(url).content.decode()
    antwort = client.post(
        url,
        {
            "vorname": "Karl-Heinz",
            "nachname": "Krause",
            "geburtsdatum": "04.05.1979",
            "geschlecht": "m",
            "staatsangehoerigkeit": "de",
        },
    )
    assert antwort.status_code == 302
    person.refresh_from_db()
    assert (person.vorname, person.staatsangehoerigkeit) == ("Karl-Heinz", "DE")
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.PERSON_GEAENDERT)
    assert event.details["neu"] == {"vorname": "Karl-Heinz"}


def test_merge_started_from_the_duplicate_keeps_the_chosen_record(client, sachbearbeiterin_schulz, bg_krause):
    """Issue 8, defect 5: started from the duplicate, the merge kept the duplicate and dissolved
    the real record. Now both are compared side by side and the user chooses the survivor."""
    original = krause(bg_krause)
    anmelden(client, sachbearbeiterin_schulz)
    client.post(
        reverse("personen:neu"),
        {
            **GUELTIG,
            "vorname": "Karl",
            "nachname": "Kraus",
            "geburtsdatum": "05.04.1979",
            "geschlecht": "m",
            "dubletten_geprueft": "on",
        },
    )
    doppelt = Person.objects.get(nachname="Kraus")

    # Step 1, from the duplicate's file: the duplicate check offers the real record.
    antwort = client.get(reverse("personen:zusammenfuehren", args=[doppelt.pk]))
    assert [h.person for h in antwort.context["kandidaten"]] == [original]
    vergleich = reverse("personen:zusammenfuehren_vergleich", args=[doppelt.pk, original.pk])
    assert vergleich in antwort.content.decode()
    antwort = client.get(
        reverse("personen:zusammenfuehren", args=[doppelt.pk]), {"kundennummer": "999999999"}
    )
    assert "Keine Person mit der Kundennummer K999999999 gefunden" in antwort.content.decode()
    antwort = client.get(
        reverse("personen:zusammenfuehren", args=[doppelt.pk]), {"kundennummer": original.kundennummer[1:]}
    )
    assert antwort["Location"] == vergleich

    # Step 2: side by side; the record in a BG is suggested to survive.
    antwort = client.get(vergleich)
    html = antwort.content.decode()
    assert [s.person for s in antwort.context["seiten"]] == [original, doppelt]
    assert antwort.context["form"].initial["behalten"] == original.pk
    assert "15088BG0000042" in html and original.kundennummer in html and doppelt.kundennummer in html
    assert "Welcher Eintrag wird fortgeführt?" in html

    antwort = client.post(vergleich, {"grund": "doppelt angelegt"})
    assert "Bitte wählen Sie, welcher Eintrag fortgeführt wird." in antwort.content.decode()

    # Step 3: the confirmation names survivor and dissolved record; nothing is merged yet.
    antwort = client.post(vergleich, {"behalten": original.pk, "grund": "doppelt angelegt"})
    html = antwort.content.decode()
    assert "Zusammenführung bestätigen" in html
    assert f"<strong>Wird fortgeführt:</strong> Karl Krause, {original.kundennummer}" in html
    assert f"<strong>Wird aufgelöst:</strong> Karl Kraus, {doppelt.kundennummer} – er enthält keine" in html
    doppelt.refresh_from_db()
    assert doppelt.zusammengefuehrt_in is None

    antwort = client.post(
        vergleich, {"behalten": original.pk, "grund": "doppelt angelegt", "bestaetigt": "on"}
    )
    assert antwort["Location"] == reverse("personen:person", args=[original.pk])
    doppelt.refresh_from_db()
    original.refresh_from_db()
    assert doppelt.zusammengefuehrt_in == original and original.zusammengefuehrt_in is None
    assert original.mitgliedschaften.get().bedarfsgemeinschaft == bg_krause
    event = AuditEvent.objects.get(typ=AuditEvent.Typ.PERSONEN_ZUSAMMENGEFUEHRT)
    assert (event.acting_user, event.person_id) == (sachbearbeiterin_schulz, original.pk)
    assert event.details["aufgeloest"] == doppelt.pk and event.details["grund"] == "doppelt angelegt"

    # The dissolved record offers the undo, apart from the everyday actions.
    html = client.get(reverse("personen:person", args=[doppelt.pk])).content.decode()
    assert "Zusammenführung rückgängig machen" in html and "Stammdaten ändern" not in html
    antwort = client.post(reverse("personen:zusammenfuehrung_rueckgaengig", args=[doppelt.pk]), {"grund": ""})
    assert "Bitte geben Sie den Grund ein." in antwort.content.decode()
    antwort = client.post(
        reverse("personen:zusammenfuehrung_rueckgaengig", args=[doppelt.pk]), {"grund": "doch zwei Personen"}
    )
    assert antwort["Location"] == reverse("personen:person", args=[doppelt.pk])
    doppelt.refresh_from_db()
    assert doppelt.zusammengefuehrt_in is None


def test_merge_confirmation_posts_back_what_it_shows_for_large_ids(
    client, teamleitung_weber, bg_krause, testkreis
):
    """The confirmation's hidden fields are read by a machine: 12345 must not become "12.345"."""
    import re

    behalten = krause(bg_krause)
    doppelt = PersonFactory(
        pk=12345, mandant=testkreis, vorname="Karl", nachname="Krause", geburtsdatum=datetime.date(1979, 5, 4)
    )
    anmelden(client, teamleitung_weber)
    vergleich = reverse("personen:zusammenfuehren_vergleich", args=[behalten.pk, doppelt.pk])
    html = client.post(vergleich, {"behalten": doppelt.pk, "grund": "Irrtum"}).content.decode()
    assert "Karl Krause, " + behalten.kundennummer + " – es gehen über: 1 BG-Mitgliedschaft." in html
    felder = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
    assert felder["behalten"] == "12345"
    client.post(vergleich, felder)
    behalten.refresh_from_db()
    assert behalten.zusammengefuehrt_in_id == 12345


def test_merge_the_other_way_round_dissolves_the_file_it_started_from(
    client, teamleitung_weber, bg_krause, testkreis
):
    behalten = krause(bg_krause)
    doppelt = PersonFactory(
        mandant=testkreis, vorname="Karl", nachname="Krause", geburtsdatum=datetime.date(1979, 5, 4)
    )
    anmelden(client, teamleitung_weber)
    vergleich = reverse("personen:zusammenfuehren_vergleich", args=[behalten.pk, doppelt.pk])
    client.post(vergleich, {"behalten": doppelt.pk, "grund": "Irrtum", "bestaetigt": "on"})
    behalten.refresh_from_db()
    assert behalten.zusammengefuehrt_in == doppelt
    assert doppelt.mitgliedschaften.get().bedarfsgemeinschaft == bg_krause


def test_rare_actions_sit_apart_and_only_for_those_allowed(
    client, sachbearbeiterin_schulz, bg_krause, testkreis
):
    from vorort.core.models import Rolle
    from vorort.core.tests.factories import UserFactory

    anmelden(client, sachbearbeiterin_schulz)
    html = client.get(reverse("personen:person", args=[krause(bg_krause).pk])).content.decode()
    knopfleiste, selten = html.split('class="selten"')
    assert "Stammdaten ändern" in knopfleiste and "Dublette zusammenführen" not in knopfleiste
    assert "Selten benötigt" in selten and "Dublette zusammenführen" in selten

    integration = UserFactory(mandant=testkreis, rollen=[Rolle.INTEGRATION], teams=[bg_krause.team])
    client.logout()
    anmelden(client, integration)
    html = client.get(reverse("personen:person", args=[krause(bg_krause).pk])).content.decode()
    assert "Dublette zusammenführen" not in html


def test_merge_needs_the_permission(client, bg_krause, testkreis):
    from vorort.core.models import Rolle
    from vorort.core.tests.factories import UserFactory

    integration = UserFactory(mandant=testkreis, rollen=[Rolle.INTEGRATION], teams=[bg_krause.team])
    anmelden(client, integration)
    assert client.get(reverse("personen:zusammenfuehren", args=[krause(bg_krause).pk])).status_code == 403
