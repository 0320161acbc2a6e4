from django.urls import path

from assignments import views

app_name = "assignments"
urlpatterns = [
    path("opgaven/", views.opgave_list, name="opgave_list"),
    path("bezetting/", views.board, name="board"),
]
