from django.urls import path

from assignments import autostaff_views as autostaff
from assignments import hr_views as views
from assignments import overview_views

app_name = "hr"
urlpatterns = [
    path("automatisch-bezetten/", autostaff.autostaff, name="autostaff"),
    path("automatisch-bezetten/starten/", autostaff.autostaff_start, name="autostaff_start"),
    path("automatisch-bezetten/<uuid:uuid>/", autostaff.autostaff_run, name="autostaff_run"),
    path(
        "automatisch-bezetten/<uuid:uuid>/overnemen/",
        autostaff.autostaff_apply,
        name="autostaff_apply",
    ),
    path("rolvragen/<uuid:uuid>/", views.role_request_detail, name="role_request"),
    path("rolvragen/<uuid:uuid>/actie/", views.role_request_action, name="role_request_action"),
    path("capaciteit/", overview_views.capacity, name="capacity"),
    path("tekorten/", overview_views.shortages, name="shortages"),
    path("verdeling/", overview_views.distribution, name="distribution"),
]
