from django.urls import path

from pool import views

app_name = "pool"
urlpatterns = [
    path("mijn-profiel/", views.profile, name="profile"),
]
