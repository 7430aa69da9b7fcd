from django.urls import path

from vorort.core import views, views_datenschutz, views_verwaltung

app_name = "core"
urlpatterns = [
    path("", views.start, name="start"),
    path("anmelden/", views.AnmeldenView.as_view(), name="login"),
    path("abmelden/", views.AbmeldenView.as_view(), name="logout"),
    path("zweiter-faktor/", views.zweiter_faktor, name="zweiter_faktor"),
    path("zweiter-faktor/einrichten/", views.zweiter_faktor_einrichten, name="zweiter_faktor_einrichten"),
    path("sitzung/verlaengern/", views.sitzung_verlaengern, name="sitzung_verlaengern"),
    path("datenschutz/protokoll/", views_datenschutz.protokoll, name="protokoll"),
    path(
        "datenschutz/protokoll/export.<str:format>",
        views_datenschutz.protokoll_export,
        name="protokoll_export",
    ),
    path(
        "datenschutz/protokoll/auskunft/<int:person_id>.pdf",
        views_datenschutz.protokoll_auskunft,
        name="protokoll_auskunft",
    ),
    path("verwaltung/benutzer/", views_verwaltung.benutzer_liste, name="benutzer_liste"),
    path("verwaltung/benutzer/neu/", views_verwaltung.benutzer_neu, name="benutzer_neu"),
    path(
        "verwaltung/benutzer/<int:user_id>/", views_verwaltung.benutzer_bearbeiten, name="benutzer_bearbeiten"
    ),
    path(
        "verwaltung/benutzer/<int:user_id>/zweiter-faktor-zuruecksetzen/",
        views_verwaltung.zweiten_faktor_zuruecksetzen,
        name="zweiten_faktor_zuruecksetzen",
    ),
    path("verwaltung/teams/", views_verwaltung.team_liste, name="team_liste"),
    path("verwaltung/teams/neu/", views_verwaltung.team_neu, name="team_neu"),
    path("verwaltung/teams/<int:team_id>/", views_verwaltung.team_bearbeiten, name="team_bearbeiten"),
    path("verwaltung/mandant/", views_verwaltung.mandant, name="mandant"),
]
