from django.urls import path

from vorort.leistung import views

app_name = "leistung"
urlpatterns = [
    path("", views.arbeitsvorrat, name="arbeitsvorrat"),
    path("bg/<int:bg_id>/antrag/neu/", views.antrag_neu, name="antrag_neu"),
    path("antraege/<int:antrag_id>/", views.antrag_detail, name="antrag"),
    path("antraege/<int:antrag_id>/personen/<int:person_id>/", views.antrag_person, name="antrag_person"),
    path(
        "antraege/<int:antrag_id>/personen/<int:person_id>/einkommen/",
        views.einkommen_neu,
        name="einkommen_neu",
    ),
    path(
        "antraege/<int:antrag_id>/personen/<int:person_id>/einkommen/<int:einkommen_id>/",
        views.einkommen_aendern,
        name="einkommen_aendern",
    ),
    path("antraege/<int:antrag_id>/berechnen/", views.antrag_berechnen, name="antrag_berechnen"),
    path("berechnungen/<int:berechnung_id>/", views.berechnung_detail, name="berechnung"),
    path(
        "berechnungen/<int:berechnung_id>/bewilligen/",
        views.bewilligung_vorbereiten,
        name="bewilligung_vorbereiten",
    ),
    path("bewilligungen/<int:bewilligung_id>/", views.bewilligung_detail, name="bewilligung"),
    path(
        "bewilligungen/<int:bewilligung_id>/freigeben/",
        views.bewilligung_freigeben,
        name="bewilligung_freigeben",
    ),
    path(
        "bewilligungen/<int:bewilligung_id>/bescheid/",
        views.bescheid_erstellen,
        name="bescheid_erstellen",
    ),
    path("schreiben/<int:schreiben_id>/datei/", views.schreiben_datei, name="schreiben_datei"),
    path("zahllaeufe/", views.zahllauf_liste, name="zahllaeufe"),
    path("zahllaeufe/vorschau/", views.zahllauf_vorschau, name="zahllauf_vorschau"),
    path("zahllaeufe/starten/", views.zahllauf_starten, name="zahllauf_starten"),
    path("zahllaeufe/<int:zahllauf_id>/", views.zahllauf_detail, name="zahllauf"),
    path("zahllaeufe/<int:zahllauf_id>/dateien/<int:nummer>/", views.zahlungsdatei, name="zahlungsdatei"),
]
