from django.urls import path

from assignments import hr_views as views

app_name = "hr"
urlpatterns = [
    path("rolvragen/<uuid:uuid>/", views.role_request_detail, name="role_request"),
    path("rolvragen/<uuid:uuid>/actie/", views.role_request_action, name="role_request_action"),
]
