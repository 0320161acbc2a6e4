from django.urls import path

from pool import import_views, views

app_name = "pool"
urlpatterns = [
    path("pool/importeren/", import_views.member_import, name="member_import"),
    path("pool/exporteren/<str:filename>", import_views.member_export, name="member_export"),
    path("mijn-profiel/", views.profile, name="profile"),
    path("mijn-profiel/gegevens/", views.details_update, name="details"),
    path("mijn-profiel/bevestigen/", views.profile_confirm, name="confirm"),
    path("mijn-profiel/competenties/", views.competency_add, name="competency_add"),
    path("mijn-profiel/competenties/zoeken/", views.competency_search, name="competency_search"),
    path("mijn-profiel/competenties/<int:pk>/", views.competency_row, name="competency_row"),
    path(
        "mijn-profiel/competenties/<int:pk>/wijzigen/",
        views.competency_edit,
        name="competency_edit",
    ),
    path(
        "mijn-profiel/competenties/<int:pk>/verwijderen/",
        views.competency_remove,
        name="competency_remove",
    ),
    path("mijn-profiel/rollen/", views.role_experience_update, name="role_experience"),
    path("mijn-profiel/beschikbaarheid/", views.availability_add, name="availability_add"),
    path(
        "mijn-profiel/beschikbaarheid/<int:pk>/verwijderen/",
        views.availability_remove,
        name="availability_remove",
    ),
    path("mijn-profiel/verlof/", views.leave_add, name="leave_add"),
    path("mijn-profiel/verlof/<int:pk>/verwijderen/", views.leave_remove, name="leave_remove"),
    path("mijn-profiel/leerdoelen/", views.learning_goal_add, name="learning_goal_add"),
    path(
        "mijn-profiel/leerdoelen/<int:pk>/verwijderen/",
        views.learning_goal_remove,
        name="learning_goal_remove",
    ),
]
