from django.urls import path

from vorort.personen import views

app_name = "personen"
urlpatterns = [
    path("suche/", views.suche, name="suche"),
    path("neu/", views.person_neu, name="neu"),
    path("<int:person_id>/", views.person, name="person"),
    path("<int:person_id>/aendern/", views.person_aendern, name="aendern"),
    path("<int:person_id>/anschrift/", views.adresse_neu, name="adresse_neu"),
    path("<int:person_id>/bankverbindung/", views.bankverbindung_neu, name="bankverbindung_neu"),
    path("<int:person_id>/zusammenfuehren/", views.zusammenfuehren, name="zusammenfuehren"),
    path(
        "<int:person_id>/zusammenfuehren/<int:andere_id>/",
        views.zusammenfuehren_vergleich,
        name="zusammenfuehren_vergleich",
    ),
    path(
        "<int:person_id>/zusammenfuehrung-rueckgaengig/",
        views.zusammenfuehrung_rueckgaengig,
        name="zusammenfuehrung_rueckgaengig",
    ),
    path("<int:person_id>/<slug:tab>/", views.person, name="person_tab"),
    path("bg/<int:bg_id>/", views.bg, name="bg"),
    path("bg/<int:bg_id>/<slug:tab>/", views.bg, name="bg_tab"),
]
