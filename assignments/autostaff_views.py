"""Automatisch bezetten: an HR advisor chooses open role requests, the worker computes the
best staffing, and the advisor reviews it and takes over all, some or none of it.

The run page polls its `run-result` partial while the run is computed; without
JavaScript its refresh link does the same.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from assignments import autostaff_selectors as selectors
from assignments.autostaff_services import autostaff_run_apply, autostaff_run_start
from assignments.forms import AutostaffSelectionForm
from assignments.models import AutostaffRun
from assignments.services import StaffingError
from assignments.views import HtmxHttpRequest
from pool.access import HR_ADVISOR
from pool.decorators import group_required

RUN = "assignments/hr/autostaff_run.html"


def _selection_form(request: HtmxHttpRequest, data) -> AutostaffSelectionForm:
    return AutostaffSelectionForm(
        data,
        opgaven=selectors.autostaff_opgaven(user=request.user, today=timezone.localdate()),
        organisations=selectors.autostaff_organisations(user=request.user),
    )


@require_GET
@login_required
@group_required(HR_ADVISOR)
def autostaff(request: HtmxHttpRequest) -> HttpResponse:
    """Choose the requests (a GET form), see how many that are, and start a run."""
    form = _selection_form(request, request.GET or None)
    selection = form.selection() if form.is_valid() else selectors.AutostaffSelection()
    if form.is_bound and not form.is_valid():
        count, places = None, None
    else:
        count, places = selectors.open_places(
            requests=selectors.autostaff_requests(
                user=request.user, today=timezone.localdate(), selection=selection
            )
        )
    context = {
        "form": form,
        "selection": selection,
        "request_count": count,
        "places": places,
        "runs": selectors.autostaff_runs_of(user=request.user),
    }
    return render(request, "assignments/hr/autostaff.html", context)


@require_POST
@login_required
@group_required(HR_ADVISOR)
def autostaff_start(request: HtmxHttpRequest) -> HttpResponse:
    form = _selection_form(request, request.POST)
    if not form.is_valid():
        messages.error(request, _("Deze selectie kan niet; kies opnieuw."))
        return redirect("hr:autostaff")
    run = autostaff_run_start(by=request.user, selection=form.selection())
    return redirect("hr:autostaff_run", uuid=run.uuid)


@require_GET
@login_required
@group_required(HR_ADVISOR)
def autostaff_run(request: HtmxHttpRequest, uuid: UUID) -> HttpResponse:
    """A run: its progress while it is computed, then the proposals to review."""
    run = selectors.autostaff_run_for_advisor(user=request.user, uuid=uuid)
    context = {
        "run": run,
        "selection": selectors.AutostaffSelection.from_json(run.selection),
        "rows": selectors.autostaff_review(run=run) if run.status == run.Status.DONE else [],
        "figures": _figures(run),
    }
    template = f"{RUN}#run-result" if request.htmx else RUN
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@login_required
@group_required(HR_ADVISOR)
def autostaff_apply(request: HtmxHttpRequest, uuid: UUID) -> HttpResponse:
    """Turn the ticked proposals into inzet proposals; "niets overnemen" ticks none."""
    run = selectors.autostaff_run_for_advisor(user=request.user, uuid=uuid)
    chosen = [] if request.POST.get("action") == "none" else _indexes(request.POST)
    try:
        outcome = autostaff_run_apply(
            run=run, by=request.user, chosen=chosen, today=timezone.localdate()
        )
    except StaffingError as refused:
        messages.error(request, str(refused))
    else:
        if outcome.proposed:
            messages.success(
                request,
                ngettext(
                    "%(count)s voorstel is klaargezet bij de medewerker.",
                    "%(count)s voorstellen zijn klaargezet bij de medewerkers.",
                    outcome.proposed,
                )
                % {"count": outcome.proposed},
            )
        if outcome.refused:
            messages.warning(
                request,
                ngettext(
                    "%(count)s voorstel kon niet meer; de reden staat in de tabel.",
                    "%(count)s voorstellen konden niet meer; de redenen staan in de tabel.",
                    outcome.refused,
                )
                % {"count": outcome.refused},
            )
        if not outcome.proposed and not outcome.refused:
            messages.info(request, _("Er is niets overgenomen; de berekening is afgesloten."))
    return redirect("hr:autostaff_run", uuid=run.uuid)


def _indexes(data) -> list[int]:
    return [int(value) for value in data.getlist("voorstel") if value.isdigit()]


def _figures(run: AutostaffRun) -> dict | None:
    """The comparison with the first-best staffing, for a finished run."""
    if run.status != run.Status.DONE:
        return None
    optimal, greedy = run.result["optimal"], run.result["greedy"]
    gain = (
        100 * (optimal["objective"] - greedy["objective"]) / greedy["objective"]
        if greedy["objective"]
        else None
    )
    gap = optimal["gap"]
    return {
        "optimal": optimal,
        "greedy": greedy,
        "gain": gain,
        "gap_percent": None if gap is None else 100 * gap,
    }
