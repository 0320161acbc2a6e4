from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("aantal/", views.unread_badge, name="unread"),
    path("gelezen/", views.mark_all_read, name="mark_all_read"),
    path("<uuid:uuid>/gelezen/", views.mark_read, name="mark_read"),
    path("instellingen/", views.preferences, name="preferences"),
]
