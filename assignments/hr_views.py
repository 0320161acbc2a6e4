"""The HR advisor's staffing work: the board of open role requests, and one request with
its candidates, proposals and confirmations.

The board and the request page answer HTMX requests with the partial the request
targets (its DOM id), and plain requests with the whole page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from assignments import hr_selectors as selectors
from assignments.hr_forms import BoardFilterForm, CandidateFilterForm
from assignments.models import Assignment, RoleRequest
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
# What an action beside the board answers: the panel's body, and its outcome out of
# band in the panel's status region, which stays in the page so it is announced.
PANEL_OUTCOME = "assignments/hr/panel_outcome.html"
# The panel's ids: opening a request replaces the whole panel, an action its body.
PANEL_TARGETS = ("request-panel", "panel-body")
# Told to the browser when staffing changed: the board's list reloads its counts.
BOARD_CHANGED = "role-request-changed"


def _partial_target(request: HtmxHttpRequest, partials: tuple[str, ...]) -> str | None:
    """The partial an HTMX request targets, if it is one of `partials`."""
    target = request.htmx.target if request.htmx else None
    if target in partials and not request.htmx.history_restore_request:
        return target
    return None


def _partial_or_page(
    request: HtmxHttpRequest, template: str, partials: tuple[str, ...], context: dict
) -> HttpResponse:
    """The partial an HTMX request targets, if it is one of `partials`; else the page."""
    target = _partial_target(request, partials)
    response = render(request, f"{template}#{target}" if target else template, context)
    # The same URL answers a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_GET
@login_required
@group_required(HR_ADVISOR)
def board(request: HtmxHttpRequest) -> HttpResponse:
    """Bezetting: the open role requests of the organisations the advisor serves.

    With `rolvraag` the page shows that request beside the list, as the side panel does
    with JavaScript: the row links lead here, so the panel also works without it.
    """
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
    partials = ("board-results",)
    chosen_request = request.GET.get("rolvraag")
    if chosen_request and _partial_target(request, partials) is None:
        try:
            role_request = selectors.role_request_for_advisor(
                user=request.user, uuid=UUID(chosen_request)
            )
        except (ValueError, Http404):
            pass  # a stale or mistyped link shows the board without a request beside it
        else:
            context |= _request_context(request, role_request, QueryDict(), panel=True)
    return _partial_or_page(request, BOARD, partials, context)


@require_GET
@login_required
@group_required(HR_ADVISOR)
def role_request_detail(request: HtmxHttpRequest, uuid) -> HttpResponse:
    """One request: its needs, inzet and candidates; also the board's side panel."""
    role_request = selectors.role_request_for_advisor(user=request.user, uuid=uuid)
    if request.htmx and request.GET.get("status") == "1":
        # Polled while matches are recomputed; the partial stops polling once current.
        return render(request, f"{DETAIL}#match-status", {"role_request": role_request})
    context = _request_context(request, role_request, request.GET, panel=_in_panel(request))
    return _partial_or_page(request, DETAIL, ("request-panel", "candidate-results"), context)


def _request_context(
    request: HtmxHttpRequest, role_request: RoleRequest, data: QueryDict, *, panel: bool
) -> dict[str, Any]:
    """What the request's page and panel show, its candidates narrowed by `data`."""
    form = CandidateFilterForm(
        data,
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
    return {
        "role_request": role_request,
        "candidates": selectors.candidates_for(role_request=role_request, filters=filters),
        "proposed_member_ids": {a.member_id for a in role_request.active_assignments},
        # Named apart from the board's filter: the board shows both.
        "candidate_form": form,
        "candidates_filtered": filters != selectors.NO_CANDIDATE_FILTERS,
        "panel": panel,
        # Section headings: under the page's h1, or under the panel's h2 on the board.
        "h": 3 if panel else 2,
        "return_url": _return_url(request, role_request, panel=panel),
    }


@require_POST
@login_required
@group_required(HR_ADVISOR)
def role_request_action(request: HtmxHttpRequest, uuid) -> HttpResponse:
    """Propose a candidate, or confirm or withdraw inzet on this request.

    From the board's panel (HTMX) the panel comes back as it is now, with the outcome in
    its status region, and the board's list is told to refresh its counts. A plain POST
    redirects back to where the form was shown (`next`), the board with its filters or
    the request's page.
    """
    role_request = selectors.role_request_for_advisor(user=request.user, uuid=uuid)
    done = error = None
    try:
        done = _perform(request, role_request)
    except StaffingError as refused:
        error = str(refused)
    if _in_panel(request):
        # Read again: the inzet and candidates as the action left them.
        role_request = selectors.role_request_for_advisor(user=request.user, uuid=uuid)
        context = _request_context(request, role_request, request.POST, panel=True)
        response = render(request, PANEL_OUTCOME, {**context, "done": done, "error": error})
        return trigger_client_event(response, BOARD_CHANGED) if done else response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(_safe_url(request, request.POST.get("next")) or _role_request_url(role_request))


def _perform(request: HttpRequest, role_request: RoleRequest) -> str:
    """Take the posted step; what was done, in words. Raises StaffingError when refused."""
    action = request.POST.get("action")
    if action == "propose":
        member = _candidate(role_request, request.POST.get("member"))
        assignment_propose(
            role_request=role_request,
            member=member,
            by=request.user,
            score=selectors.stored_score(role_request=role_request, member=member),
        )
        return _done("propose", member)
    if action not in ("confirm", "withdraw"):
        raise Http404
    assignment = _assignment(role_request, request.POST.get("assignment"))
    if action == "confirm":
        assignment_confirm(assignment=assignment, by=request.user)
    else:
        assignment_withdraw(
            assignment=assignment, by=request.user, reason=request.POST.get("reason", "")
        )
    return _done(action, assignment.member)


def _role_request_url(role_request: RoleRequest) -> str:
    return reverse("hr:role_request", args=[role_request.uuid])


def _in_panel(request: HtmxHttpRequest) -> bool:
    """Whether the request comes from the panel beside the board: HTMX aimed at the
    panel, or anything HTMX while the board is in the address bar (the candidate
    filter, which targets only the results)."""
    if not request.htmx:
        return False
    current = urlsplit(request.htmx.current_url_abs_path or "")
    return request.htmx.target in PANEL_TARGETS or current.path == reverse("assignments:board")


def _return_url(request: HtmxHttpRequest, role_request: RoleRequest, *, panel: bool) -> str:
    """Where a plain POST from the forms being rendered comes back to: the page in the
    address bar, and on the board with this request open beside it again."""
    shown = (request.htmx.current_url_abs_path if request.htmx else None) or request.get_full_path()
    if not panel:
        return shown
    url = urlsplit(shown)
    query = QueryDict(url.query, mutable=True)
    query["rolvraag"] = str(role_request.uuid)
    return urlunsplit(url._replace(query=query.urlencode()))


def _safe_url(request: HttpRequest, url: str | None) -> str | None:
    """`url` when it leads back into Rolpool on this host; anything else is ignored, so
    a crafted form cannot send the advisor elsewhere."""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else None


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
