from django.urls import path

from assignments import privacy_views as views

app_name = "privacy"
urlpatterns = [
    path("mijn/gegevens/", views.my_data, name="my_data"),
    path("mijn/gegevens/download/", views.my_data_download, name="my_data_download"),
    path(
        "avg/medewerkers/<uuid:uuid>/anonimiseren/",
        views.member_anonymise_confirm,
        name="member_anonymise",
    ),
]
