"""Project-level pages: the home page that sends each user to their own work, logout, and
health."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from config import oidc
from config.celery import HEARTBEAT_KEY
from pool.access import ADMINISTRATOR, HR_ADVISOR, LINE_MANAGER, MANAGER, MEMBER, group_names

# Where each group starts, most specific first: a user in several groups lands on the
# page of the group listed first.
LANDING_PAGES = (
    (HR_ADVISOR, "assignments:board"),
    (MANAGER, "assignments:opgave_list"),
    (LINE_MANAGER, "releases:pending"),
    (MEMBER, "pool:profile"),
    (ADMINISTRATOR, "admin:index"),
)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    groups = group_names(request.user)
    for group, url_name in LANDING_PAGES:
        if group in groups:
            return redirect(url_name)
    return render(request, "home.html")


class LogoutView(auth_views.LogoutView):
    """Django's logout. A session that single sign-on began ends at the identity provider
    too, where it publishes how: otherwise the next "Inloggen met je organisatieaccount"
    would let in whoever uses the browser next, without asking anything."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        at_provider = oidc.end_session_url(request)  # before logging out empties the session
        response = super().post(request, *args, **kwargs)
        if at_provider is None:
            return response
        if request.htmx:  # htmx cannot follow a redirect to another site: the page goes
            return HttpResponseClientRedirect(at_provider)
        return HttpResponseRedirect(at_provider)


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers; nothing else is checked."""
    return JsonResponse({"status": "ok"})


# Beat sends a heartbeat every 30 s; a worker that has not answered for this long is gone.
HEARTBEAT_MAX_AGE = timedelta(minutes=2)


@require_GET
def ready(request: HttpRequest) -> HttpResponse:
    """Readiness: the database and Redis answer and a worker consumed a heartbeat lately."""
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    heartbeat = cache.get(HEARTBEAT_KEY) if checks["redis"] else None
    checks["worker"] = bool(
        heartbeat and timezone.now() - datetime.fromisoformat(heartbeat) <= HEARTBEAT_MAX_AGE
    )
    ok = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _redis_ok() -> bool:
    try:
        cache.get("ready-probe")
        return True
    except Exception:  # the cache backend raises the client's own connection errors
        return False


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page django-axes shows a locked-out login (429), with the cool-off in minutes."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
