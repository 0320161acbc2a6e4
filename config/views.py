"""Project-level pages: the home page that sends each user to their own work, and health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from pool.access import ADMINISTRATOR, HR_ADVISOR, MANAGER, MEMBER, group_names

# Where each group starts, most specific first: a user in several groups lands on the
# page of the group listed first.
LANDING_PAGES = (
    (HR_ADVISOR, "assignments:board"),
    (MANAGER, "assignments:opgave_list"),
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


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Readiness checks belong elsewhere."""
    return JsonResponse({"status": "ok"})
