from django.urls import path

from assignments import member_views as views

app_name = "member"
urlpatterns = [
    path("voorstellen/", views.proposals, name="proposals"),
    path("voorstellen/<uuid:uuid>/antwoord/", views.proposal_answer, name="proposal_answer"),
    path("inzet/", views.my_assignments, name="assignments"),
    path("kansen/", views.opportunities, name="opportunities"),
]
