"""The audit log page for HR advisors and functional administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assignments.audit_selectors import audit_page
from pool.access import ADMINISTRATOR, HR_ADVISOR
from pool.decorators import group_required

MAX_FILTER_LENGTH = 100


@require_GET
@login_required
@group_required(HR_ADVISOR, ADMINISTRATOR)
def audit_log(request: HttpRequest) -> HttpResponse:
    person = request.GET.get("persoon", "")[:MAX_FILTER_LENGTH]
    opgave = request.GET.get("opgave", "")[:MAX_FILTER_LENGTH]
    page = audit_page(
        user=request.user, person=person, opgave=opgave, number=request.GET.get("pagina")
    )
    context = {"page": page, "person": person, "opgave": opgave}
    if request.htmx:
        return render(request, "assignments/audit/log.html#audit-results", context)
    return render(request, "assignments/audit/log.html", context)
