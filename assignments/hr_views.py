"""The HR advisor's staffing work: the board of open role requests, and one request with
its candidates, proposals and confirmations.

The board and the request page answer HTMX requests with the partial the request
targets (its DOM id), and plain requests with the whole page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignments import hr_selectors as selectors
from assignments.hr_forms import BoardFilterForm, CandidateFilterForm
from assignments.models import Assignment
from assignments.selectors import competency_choices
from assignments.services import (
    StaffingError,
    assignment_confirm,
    assignment_propose,
    assignment_withdraw,
)
from assignments.views import HtmxHttpRequest
from pool.access import HR_ADVISOR
from pool.decorators import group_required
from pool.models import Member

PAGE_SIZE = 25
BOARD = "assignments/board.html"
DETAIL = "assignments/hr/request_detail.html"


def _partial_or_page(
    request: HtmxHttpRequest, template: str, partials: tuple[str, ...], context: dict
) -> HttpResponse:
    """The partial an HTMX request targets, if it is one of `partials`; else the page."""
    target = request.htmx.target if request.htmx else None
    if target in partials and not request.htmx.history_restore_request:
        response = render(request, f"{template}#{target}", context)
    else:
        response = render(request, template, context)
    # The same URL answers a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_GET
@login_required
@group_required(HR_ADVISOR)
def board(request: HtmxHttpRequest) -> HttpResponse:
    """Bezetting: the open role requests of the organisations the advisor serves."""
    form = BoardFilterForm(request.GET, **selectors.board_choices(user=request.user))
    form.is_valid()  # an invalid field is shown with its error and does not filter
    chosen = form.cleaned_data
    filters = selectors.BoardFilters(
        search=chosen.get("zoek", ""),
        organisation_id=chosen.get("organisatie"),
        role_id=chosen.get("rol"),
        opgave_id=chosen.get("opgave"),
        start_from=chosen.get("start"),
        start_to=chosen.get("end"),
        within_weeks=chosen.get("urgentie"),
        no_candidate_from=chosen.get("drempel"),
        order=chosen.get("sorteer") or "urgentie",
    )
    requests = selectors.board_requests(
        user=request.user, filters=filters, today=timezone.localdate()
    )
    context = {
        "page": Paginator(requests, PAGE_SIZE).get_page(request.GET.get("pagina")),
        "filter_form": form,
        "filtered": filters != selectors.BoardFilters(order=filters.order),
    }
    return _partial_or_page(request, BOARD, ("board-results",), context)


@require_GET
@login_required
@group_required(HR_ADVISOR)
def role_request_detail(request: HtmxHttpRequest, uuid) -> HttpResponse:
    """One request: its needs, inzet and candidates; also the board's side panel."""
    role_request = selectors.role_request_for_advisor(user=request.user, uuid=uuid)
    if request.htmx and request.GET.get("status") == "1":
        # Polled while matches are recomputed; the partial stops polling once current.
        return render(request, f"{DETAIL}#match-status", {"role_request": role_request})
    form = CandidateFilterForm(
        request.GET,
        competencies=competency_choices,
        organisations=lambda: selectors.candidate_organisation_choices(role_request=role_request),
    )
    form.is_valid()  # an invalid field is shown with its error and does not filter
    chosen = form.cleaned_data
    origin = chosen.get("herkomst")
    filters = selectors.CandidateFilters(
        search=chosen.get("zoek", ""),
        competency_id=chosen.get("competentie"),
        min_level=chosen.get("niveau"),
        organisation_id=chosen.get("organisatie"),
        external=(origin == "extern") if origin else None,
        min_free_hours=chosen.get("vrije_uren"),
    )
    in_panel = bool(request.htmx) and request.htmx.target == "request-panel"
    context = {
        "role_request": role_request,
        "candidates": selectors.candidates_for(role_request=role_request, filters=filters),
        "proposed_member_ids": {a.member_id for a in role_request.active_assignments},
        "filter_form": form,
        "filtered": filters != selectors.NO_CANDIDATE_FILTERS,
        "panel": in_panel,
        # Section headings: under the page's h1, or under the panel's h2 on the board.
        "h": 3 if in_panel else 2,
    }
    return _partial_or_page(request, DETAIL, ("request-panel", "candidate-results"), context)


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
                score=selectors.stored_score(role_request=role_request, member=member),
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


def _done(action: str, member: Member) -> str:
    texts = {
        "propose": _("%(name)s is voorgesteld; het voorstel staat bij de medewerker klaar."),
        "confirm": _("De inzet van %(name)s is bevestigd."),
        "withdraw": _("De inzet van %(name)s is ingetrokken."),
    }
    return texts[action] % {"name": member.full_name}
