from django.urls import path

from assignments import weights_views as views

app_name = "weights"
urlpatterns = [path("matchgewichten/", views.matching_weights, name="edit")]
