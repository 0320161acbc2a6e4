"""Matchgewichten: functional administrators change the matching weights, HR advisors read them.

Saving goes through the same service as the admin (matching_weights_update): it stores,
audits, marks every match stale and sends one full rebuild after commit. The page then
polls its status partial with htmx until the rebuild has caught up.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assignments.matching.core import Weights
from assignments.services import matching_weights_update
from assignments.views import HtmxHttpRequest
from assignments.weights_forms import HELP, LABELS, WeightsForm, plain_number
from assignments.weights_selectors import (
    WeightsState,
    weights_editable_by,
    weights_state_for,
)
from pool.access import ADMINISTRATOR, HR_ADVISOR
from pool.decorators import group_required

TEMPLATE = "assignments/weights.html"
RESET = "reset"


@require_http_methods(["GET", "POST"])
@login_required
@group_required(HR_ADVISOR, ADMINISTRATOR)
def matching_weights(request: HtmxHttpRequest) -> HttpResponse:
    state = weights_state_for(user=request.user)
    can_change = weights_editable_by(user=request.user)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        return _save(request, state)
    if request.htmx and request.GET.get("status") == "1":
        # Polled while the rebuild runs; the partial stops polling once it is done.
        response = render(request, f"{TEMPLATE}#weights-status", {"state": state, "polled": True})
        patch_vary_headers(response, ("HX-Request",))
        return response
    form = WeightsForm(current=state.weights) if can_change else None
    return _page(request, state=state, form=form)


def _save(request: HtmxHttpRequest, state: WeightsState) -> HttpResponse:
    if request.POST.get("action") == RESET:
        weights = Weights()
    else:
        form = WeightsForm(request.POST, current=state.weights)
        if not form.is_valid():
            return _page(request, state=state, form=form)
        weights = form.weights()
    if matching_weights_update(values=weights.as_dict(), by=request.user):
        messages.success(
            request, _("De gewichten zijn opgeslagen. Alle matches worden opnieuw berekend.")
        )
    else:
        messages.info(request, _("Dit zijn al de gewichten die gelden; er is niets gewijzigd."))
    return redirect("weights:edit")


def _page(
    request: HtmxHttpRequest, *, state: WeightsState, form: WeightsForm | None
) -> HttpResponse:
    rows = [
        (LABELS[name], plain_number(value), HELP[name])
        for name, value in state.weights.as_dict().items()
    ]
    context = {"state": state, "form": form, "rows": rows, "reset": RESET}
    return render(request, TEMPLATE, context)
