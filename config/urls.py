from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import oidc, views

urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("ready", views.ready, name="ready"),
    path(
        "inloggen/",
        # oidc.enabled is called when the template renders, so settings can change in tests.
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, extra_context={"oidc_enabled": oidc.enabled}
        ),
        name="login",
    ),
    path("uitloggen/", views.LogoutView.as_view(), name="logout"),
    # Single sign-on (404 unless configured); the provider sends people back to oidc/callback/.
    path("oidc/authenticate/", oidc.authentication_init, name="oidc_authentication_init"),
    path("oidc/callback/", oidc.authentication_callback, name="oidc_authentication_callback"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("config.api.urls")),
    path("", include("pool.urls")),
    path("", include("assignments.urls")),
    path("mijn/", include("assignments.member_urls")),
    path("bezetting/", include("assignments.hr_urls")),
    path("", include("assignments.privacy_urls")),
    path("", include("assignments.audit_urls")),
    path("", include("assignments.weights_urls")),
    path("leidinggevende/", include("assignments.release_urls")),
    path("meldingen/", include("notifications.urls")),
]
