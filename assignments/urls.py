from django.urls import path

from assignments import hr_views, views

app_name = "assignments"
urlpatterns = [
    path("opgaven/", views.opgave_list, name="opgave_list"),
    path("opgaven/nieuw/", views.opgave_create, name="opgave_create"),
    path("opgaven/<uuid:uuid>/", views.opgave_detail, name="opgave_detail"),
    path("opgaven/<uuid:uuid>/wijzigen/", views.opgave_update, name="opgave_update"),
    path("opgaven/<uuid:uuid>/openen/", views.opgave_open, name="opgave_open"),
    path("opgaven/<uuid:uuid>/afronden/", views.opgave_complete, name="opgave_complete"),
    path("opgaven/<uuid:uuid>/annuleren/", views.opgave_cancel, name="opgave_cancel"),
    path("opgaven/<uuid:uuid>/kopieren/", views.opgave_copy, name="opgave_copy"),
    path("opgaven/<uuid:uuid>/geschiedenis/", views.opgave_history, name="opgave_history"),
    path("opgaven/<uuid:uuid>/rolvragen/", views.role_request_create, name="role_request_create"),
    path(
        "opgaven/<uuid:uuid>/rolvragen/kernrollen/",
        views.role_requests_core,
        name="role_requests_core",
    ),
    path(
        "opgaven/<uuid:uuid>/rolvragen/<uuid:role_request>/wijzigen/",
        views.role_request_update,
        name="role_request_update",
    ),
    path(
        "opgaven/<uuid:uuid>/rolvragen/<uuid:role_request>/verwijderen/",
        views.role_request_remove,
        name="role_request_remove",
    ),
    path(
        "opgaven/<uuid:uuid>/rolvragen/<uuid:role_request>/matches/",
        views.role_request_match_status,
        name="role_request_match_status",
    ),
    path("bezetting/", hr_views.board, name="board"),
]
