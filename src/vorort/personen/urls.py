from django.urls import path

app_name = "personen"
urlpatterns: list = []
