"""The line manager's pages: release the hours of their people's inzet, or refuse."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignments import release_selectors as selectors
from assignments.services import StaffingError, release_approve, release_refuse
from pool.access import LINE_MANAGER
from pool.decorators import group_required

PAGE_SIZE = 25


@require_GET
@login_required
@group_required(LINE_MANAGER)
def pending(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.pending_releases_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "assignments/release/pending.html",
        {"page": page, "rows": selectors.with_match_readings(list(page.object_list))},
    )


@require_GET
@login_required
@group_required(LINE_MANAGER)
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.decided_releases_by(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(request, "assignments/release/history.html", {"page": page})


@require_POST
@login_required
@group_required(LINE_MANAGER)
def decide(request: HttpRequest, uuid) -> HttpResponse:
    """Approve, or refuse with a reason; HTMX swaps the table row in place."""
    release = selectors.release_for(user=request.user, uuid=uuid)
    member = release.assignment.member.full_name
    error = done = None
    try:
        if request.POST.get("decision") == "approve":
            release_approve(assignment=release.assignment, by=request.user)
            done = _("Je hebt de uren van %(name)s vrijgegeven.") % {"name": member}
        else:
            release_refuse(
                assignment=release.assignment,
                by=request.user,
                reason=request.POST.get("reason", ""),
            )
            done = _("Je hebt de uren van %(name)s niet vrijgegeven.") % {"name": member}
    except StaffingError as refused:
        error = str(refused)
    if request.htmx:
        # Read again: the row shows the decision as stored, with everything it needs.
        release = selectors.release_for(user=request.user, uuid=uuid)
        [(release, reading)] = selectors.with_match_readings([release])
        return render(
            request,
            "assignments/release/pending.html#release-row",
            {"release": release, "reading": reading, "error": error, "done": done},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("releases:pending")
