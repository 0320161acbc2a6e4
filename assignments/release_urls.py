from django.urls import path

from assignments import release_views as views

app_name = "releases"
urlpatterns = [
    path("vrijgaven/", views.pending, name="pending"),
    path("vrijgaven/besloten/", views.history, name="history"),
    path("vrijgaven/<uuid:uuid>/", views.decide, name="decide"),
]
