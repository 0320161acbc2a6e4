from django.urls import path

from assignments import audit_views as views

app_name = "audit"
urlpatterns = [path("logboek/", views.audit_log, name="log")]
