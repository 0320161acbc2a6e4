"""Auto-staffing runs: start one, compute it (in the worker), apply what the advisor chose.

A run is computed once and applied at most once. Computing creates nothing but the run's
result; applying turns the chosen proposals into inzet proposals (`assignment_propose`),
each checked again, as time has passed since the computation.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, InterfaceError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assignments.autostaff_selectors import (
    AutostaffSelection,
    autostaff_requests,
    open_places,
)
from assignments.matching.services import autostaff_compute
from assignments.models import (
    ACTIVE_STATES,
    Assignment,
    AutostaffRun,
    RoleRequest,
)
from assignments.services import StaffingError, assignment_propose
from config.celery import enqueue
from pool.models import Member
from pool.selectors import members_in_pool_of

logger = logging.getLogger(__name__)

AUTOSTAFF_TASK = "assignments.autostaff_run"
# A pending run older than this was not picked up (broker down): the sweep computes it.
PENDING_GRACE = timedelta(seconds=30)
# A running run older than this lost its worker: the sweep computes it again.
RUNNING_GRACE = timedelta(minutes=10)
# Seconds the solver may take; the task's own time limits allow for loading around it.
SOLVER_SECONDS = 20.0


def _send(run_id: int) -> None:
    if enqueue(AUTOSTAFF_TASK, run_id=run_id):
        AutostaffRun.objects.filter(pk=run_id, queued_at__isnull=True).update(
            queued_at=timezone.now()
        )


@transaction.atomic
def autostaff_run_start(*, by: AbstractBaseUser, selection: AutostaffSelection) -> AutostaffRun:
    """Store a run for the advisor's selection and have the worker compute it after commit.

    If the broker cannot be reached the run stays pending (queued_at empty) and the sweep
    computes it later.
    """
    run = AutostaffRun(created_by=by, selection=selection.as_json())
    run.full_clean()
    run.save()
    transaction.on_commit(partial(_send, run.pk))
    return run


def _set(run_id: int, only_if: Collection[str], **fields: Any) -> bool:
    """Update the run if its status is one of `only_if`; whether it was."""
    return bool(AutostaffRun.objects.filter(pk=run_id, status__in=only_if).update(**fields))


def _result(outcome, requests: int, places: int) -> dict[str, Any]:
    def figures(result) -> dict[str, Any]:
        return {
            "objective": round(result.objective, 2),
            "filled": result.filled,
            "optimal": bool(result.optimal),
            "gap": result.gap,
            "seconds": round(result.seconds, 3),
        }

    return {
        "requests": requests,
        "places": places,
        "optimal": figures(outcome.optimal),
        "greedy": figures(outcome.greedy),
        "proposals": [
            {
                "role_request": p.role_request_id,
                "member": p.member_id,
                "score": round(p.score, 2),
                "explanation": p.explanation,
            }
            for p in sorted(outcome.proposals, key=lambda p: (p.role_request_id, -p.score))
        ],
    }


def autostaff_run_compute(*, run_id: int, today: date) -> bool:
    """Compute a pending (or interrupted) run; False if there was nothing to do.

    Safe to call twice: a finished run is left alone, and of two computations of the same
    run the first to finish writes the result. Runs outside a transaction on purpose, so
    that the page polling the run sees each step of progress as it is written.
    """
    unfinished = (AutostaffRun.Status.PENDING, AutostaffRun.Status.RUNNING)
    now = timezone.now()
    if not _set(run_id, unfinished, status=AutostaffRun.Status.RUNNING, started_at=now, progress=5):
        return False
    run = AutostaffRun.objects.select_related("created_by").get(pk=run_id)
    try:
        requests = autostaff_requests(
            user=run.created_by,
            today=today,
            selection=AutostaffSelection.from_json(run.selection),
        )
        request_count, places = open_places(requests=requests)
        _set(run_id, unfinished, progress=20)
        outcome = autostaff_compute(
            requests=requests,
            members=members_in_pool_of(user=run.created_by),
            today=today,
            time_limit=SOLVER_SECONDS,
        )
        _set(run_id, unfinished, progress=90)
        result = _result(outcome, request_count, places)
    except (DatabaseError, InterfaceError):
        raise  # transient: the task retries, and the run is still running
    except SoftTimeLimitExceeded:
        _fail(run_id, _("De berekening duurde te lang. Kies een kleinere selectie."))
        return True
    except Exception:
        logger.exception("auto-staffing run %s failed", run_id)
        _fail(run_id, _("De berekening is mislukt. Probeer het opnieuw of meld het aan beheer."))
        return True
    _set(
        run_id,
        (AutostaffRun.Status.RUNNING,),
        status=AutostaffRun.Status.DONE,
        progress=100,
        result=result,
        finished_at=timezone.now(),
    )
    return True


def _fail(run_id: int, message: str) -> None:
    _set(
        run_id,
        (AutostaffRun.Status.RUNNING,),
        status=AutostaffRun.Status.FAILED,
        error=message,
        finished_at=timezone.now(),
    )


def autostaff_runs_unpicked(*, now) -> list[int]:
    """Runs the broker never delivered, or whose worker died: for the sweep to compute."""
    return list(
        AutostaffRun.objects.filter(
            Q(status=AutostaffRun.Status.PENDING, created_at__lt=now - PENDING_GRACE)
            | Q(status=AutostaffRun.Status.RUNNING, started_at__lt=now - RUNNING_GRACE)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class ApplyOutcome:
    proposed: int
    refused: int


def _propose_one(
    proposal: dict[str, Any],
    by: AbstractBaseUser,
    allowed_requests: set[int],
    allowed_members: set[int],
) -> None:
    """Propose one pair of the run, checked again; raises StaffingError if it cannot be."""
    if proposal["role_request"] not in allowed_requests:
        raise StaffingError(_("Deze rolvraag staat niet meer open."))
    if proposal["member"] not in allowed_members:
        raise StaffingError(_("Deze medewerker kan niet meer op deze rolvraag worden ingezet."))
    # Member first, then request: the lock order of the inzet services.
    member = Member.objects.select_for_update().get(pk=proposal["member"])
    role_request = (
        RoleRequest.objects.select_for_update(of=("self",))
        .select_related("opgave")
        .get(pk=proposal["role_request"])
    )
    taken = Assignment.objects.filter(role_request=role_request, state__in=ACTIVE_STATES).count()
    if taken >= role_request.people:
        raise StaffingError(_("Deze rolvraag is inmiddels bezet."))
    assignment_propose(
        role_request=role_request,
        member=member,
        by=by,
        score=proposal["score"],
        check_hours=True,
    )


@transaction.atomic
def autostaff_run_apply(
    *, run: AutostaffRun, by: AbstractBaseUser, chosen: Collection[int], today: date
) -> ApplyOutcome:
    """Turn the chosen proposals (positions in the result) into inzet proposals, once.

    Each is checked again and proposed in a savepoint of its own: one that has become
    impossible (request filled or closed, member booked meanwhile) is recorded with its
    reason in `run.outcome`, and the others go ahead. Choosing none closes the run.
    """
    run = AutostaffRun.objects.select_for_update().get(pk=run.pk)
    if run.status == AutostaffRun.Status.FAILED:
        raise StaffingError(_("Deze berekening is mislukt; er is niets over te nemen."))
    if run.status != AutostaffRun.Status.DONE:
        raise StaffingError(_("Deze berekening is nog niet klaar."))
    if run.applied_at is not None:
        raise StaffingError(
            _("Deze berekening is al verwerkt op %(when)s.")
            % {"when": date_format(timezone.localtime(run.applied_at), "j F Y H:i")}
        )
    proposals = run.result.get("proposals", [])
    indexes = sorted({i for i in chosen if 0 <= i < len(proposals)})
    allowed_requests = set(
        autostaff_requests(user=by, today=today)
        .filter(pk__in=[proposals[i]["role_request"] for i in indexes])
        .values_list("pk", flat=True)
    )
    allowed_members = set(
        members_in_pool_of(user=by)
        .filter(pk__in=[proposals[i]["member"] for i in indexes])
        .values_list("pk", flat=True)
    )
    outcome = []
    for index in indexes:
        try:
            with transaction.atomic():
                _propose_one(proposals[index], by, allowed_requests, allowed_members)
        except StaffingError as refused:
            outcome.append({"index": index, "ok": False, "message": str(refused)})
        else:
            outcome.append({"index": index, "ok": True, "message": ""})
    run.applied_at = timezone.now()
    run.applied_by = by
    run.outcome = outcome
    run.save(update_fields=["applied_at", "applied_by", "outcome"])
    proposed = sum(1 for o in outcome if o["ok"])
    return ApplyOutcome(proposed=proposed, refused=len(outcome) - proposed)
