"""The member's own staffing pages: answer proposals, see inzet and opportunities."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignments import member_selectors as selectors
from assignments.services import StaffingError, assignment_accept, assignment_decline
from pool.access import MEMBER
from pool.decorators import group_required


@require_GET
@login_required
@group_required(MEMBER)
def proposals(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of(user=request.user)
    return render(
        request,
        "assignments/member/proposals.html",
        {"member": member, "proposals": selectors.proposals_for(member=member)},
    )


@require_POST
@login_required
@group_required(MEMBER)
def proposal_answer(request: HttpRequest, uuid) -> HttpResponse:
    """Accept, or decline with a reason; HTMX swaps the proposal's card in place."""
    member = selectors.member_of(user=request.user)
    proposal = selectors.proposal_of(member=member, uuid=uuid)
    error = None
    try:
        if request.POST.get("answer") == "accept":
            proposal = assignment_accept(assignment=proposal, by=request.user)
            if proposal.member.organisation.requires_release:
                done = _(
                    "Je hebt het voorstel geaccepteerd. Je leidinggevende geeft eerst de uren "
                    "vrij; daarna bevestigt HR de inzet."
                )
            else:
                done = _("Je hebt het voorstel geaccepteerd. HR bevestigt de inzet.")
        else:
            proposal = assignment_decline(
                assignment=proposal, by=request.user, reason=request.POST.get("reason", "")
            )
            done = _("Je hebt het voorstel afgewezen.")
    except StaffingError as refused:
        error = str(refused)
    if request.htmx:
        # The answered card shows its new state; a refused answer keeps the buttons.
        return render(
            request,
            "assignments/member/proposals.html#proposal-card",
            {"proposal": proposal, "error": error, "done": None if error else done},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("member:proposals")


@require_GET
@login_required
@group_required(MEMBER)
def my_assignments(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of(user=request.user)
    today = timezone.localdate()
    current, past = selectors.assignments_of(member=member, today=today)
    return render(
        request,
        "assignments/member/assignments.html",
        {
            "member": member,
            "current": current,
            "past": past,
            "weeks": selectors.weekly_load(member=member, today=today),
        },
    )


@require_GET
@login_required
@group_required(MEMBER)
def opportunities(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of(user=request.user)
    matches = list(selectors.opportunities_for(member=member, today=timezone.localdate()))
    return render(
        request,
        "assignments/member/opportunities.html",
        {
            "member": member,
            "opportunities": selectors.with_readings(matches, [m.explanation for m in matches]),
        },
    )
