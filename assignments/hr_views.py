"""The HR advisor's work on one role request: candidates, proposals, confirmations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignments import hr_selectors as selectors
from assignments.models import Assignment
from assignments.services import (
    StaffingError,
    assignment_confirm,
    assignment_propose,
    assignment_withdraw,
)
from pool.access import HR_ADVISOR
from pool.decorators import group_required
from pool.models import Member


@require_GET
@login_required
@group_required(HR_ADVISOR)
def role_request_detail(request: HttpRequest, uuid) -> HttpResponse:
    role_request = selectors.role_request_for_advisor(user=request.user, uuid=uuid)
    context = {
        "role_request": role_request,
        "candidates": selectors.candidates_for(role_request=role_request),
        "proposed_member_ids": {a.member_id for a in role_request.active_assignments},
    }
    if request.htmx and request.GET.get("status") == "1":
        # Polled while matches are recomputed; the partial stops polling once current.
        return render(request, "assignments/hr/request_detail.html#match-status", context)
    return render(request, "assignments/hr/request_detail.html", context)


@require_POST
@login_required
@group_required(HR_ADVISOR)
def role_request_action(request: HttpRequest, uuid) -> HttpResponse:
    """Propose a candidate, or confirm or withdraw inzet on this request."""
    role_request = selectors.role_request_for_advisor(user=request.user, uuid=uuid)
    action = request.POST.get("action")
    try:
        if action == "propose":
            member = _candidate(role_request, request.POST.get("member"))
            assignment_propose(
                role_request=role_request,
                member=member,
                by=request.user,
                score=_score_of(role_request, member),
            )
            messages.success(request, _done("propose", member))
        elif action in ("confirm", "withdraw"):
            assignment = _assignment(role_request, request.POST.get("assignment"))
            if action == "confirm":
                assignment_confirm(assignment=assignment, by=request.user)
            else:
                assignment_withdraw(
                    assignment=assignment, by=request.user, reason=request.POST.get("reason", "")
                )
            messages.success(request, _done(action, assignment.member))
        else:
            raise Http404
    except StaffingError as refused:
        messages.error(request, str(refused))
    return redirect("hr:role_request", uuid=role_request.uuid)


def _candidate(role_request, member_id) -> Member:
    """Only a stored candidate of this request can be proposed from this page."""
    try:
        return Member.objects.get(
            pk=int(member_id or 0),
            matches__role_request=role_request,
            matches__in_request_top=True,
        )
    except (Member.DoesNotExist, ValueError):
        raise Http404 from None


def _assignment(role_request, uuid) -> Assignment:
    try:
        return role_request.assignments.get(uuid=uuid)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _score_of(role_request, member) -> float | None:
    return member.matches.filter(role_request=role_request).values_list("score", flat=True).first()


def _done(action: str, member: Member) -> str:
    texts = {
        "propose": _("%(name)s is voorgesteld; het voorstel staat bij de medewerker klaar."),
        "confirm": _("De inzet van %(name)s is bevestigd."),
        "withdraw": _("De inzet van %(name)s is ingetrokken."),
    }
    return texts[action] % {"name": member.full_name}
