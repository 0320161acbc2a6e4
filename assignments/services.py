"""Writes for opgaven, role requests, inzet and matching configuration."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assignments.matching.adapter import free_hours, week_of
from assignments.matching.core import Weights
from assignments.matching.services import RECOMPUTE_REQUEST_TASK
from assignments.models import (
    ACTIVE_STATES,
    BOOKED_STATES,
    Assignment,
    AssignmentState,
    AssignmentTransition,
    MatchingWeights,
    Opgave,
    RoleRequest,
)
from config.celery import enqueue
from pool.models import Member
from pool.services import member_matches_invalidate

REBUILD_TASK = "assignments.rebuild_matches"


def role_request_matches_invalidate(*, role_request_ids: list[int]) -> None:
    """Mark role requests' matches stale and ask for a recompute after commit."""
    RoleRequest.objects.filter(pk__in=role_request_ids).update(matches_stale_since=timezone.now())
    for role_request_id in role_request_ids:
        transaction.on_commit(
            partial(enqueue, RECOMPUTE_REQUEST_TASK, role_request_id=role_request_id)
        )


def matches_invalidate_all() -> None:
    """Everything is stale (weights or catalogue changed): one full rebuild after commit."""
    now = timezone.now()
    Member.objects.update(matches_stale_since=now)
    RoleRequest.objects.filter(status=RoleRequest.Status.OPEN).update(matches_stale_since=now)
    transaction.on_commit(partial(enqueue, REBUILD_TASK))


@transaction.atomic
def matching_weights_update(*, values: dict[str, float], by: AbstractBaseUser) -> Weights:
    """Store new weights (validated by the core) and have every match recomputed."""
    weights = Weights.from_dict(values)
    MatchingWeights.objects.update_or_create(
        pk=1, defaults={"values": weights.as_dict(), "updated_by": by}
    )
    matches_invalidate_all()
    return weights


class StaffingError(Exception):
    """A staffing step that the rules refuse; the message is for the person who tried."""


# Which state may follow which, and who takes the step (DESIGN.md §5).
TRANSITIONS = {
    AssignmentState.PROPOSED: {
        AssignmentState.ACCEPTED,
        AssignmentState.DECLINED,
        AssignmentState.WITHDRAWN,
    },
    AssignmentState.ACCEPTED: {AssignmentState.CONFIRMED, AssignmentState.WITHDRAWN},
    AssignmentState.CONFIRMED: {AssignmentState.COMPLETED, AssignmentState.WITHDRAWN},
}


def _transition(*, assignment: Assignment, to: str, by: AbstractBaseUser, reason: str = ""):
    """Move to `to` and record who, when and why. Call holding the assignment's row lock."""
    if to not in TRANSITIONS.get(assignment.state, set()):
        raise StaffingError(
            _("Deze inzet is %(state)s; die stap kan nu niet.")
            % {"state": assignment.get_state_display()}
        )
    was = assignment.state
    AssignmentTransition.objects.create(
        assignment=assignment, from_state=was, to_state=to, by=by, reason=reason
    )
    assignment.state = to
    assignment.save(update_fields=["state", "updated_at"])
    if was in BOOKED_STATES or to in BOOKED_STATES:  # the member's free hours changed
        member_matches_invalidate(member_ids=[assignment.member_id])
    return assignment


def _check_capacity(*, assignment: Assignment) -> None:
    """Refuse booking `assignment` if it would push its member past their hours in any week.

    Precondition: the member's row is locked (select_for_update), so that concurrent
    bookings for the same member run one after the other and each sees the others.
    """
    member = assignment.member
    first_week = week_of(assignment.start)
    weeks = (week_of(assignment.end) - first_week).days // 7 + 1
    free = free_hours(
        np.array([member.pk], dtype=np.int64),
        [member.pool_hours],
        Q(member_id=member.pk),
        first_week,
        weeks,
    )[0]
    if assignment.state in BOOKED_STATES:
        free += float(assignment.hours_per_week)  # its own hours are already counted
    short = np.flatnonzero(free + 1e-6 < float(assignment.hours_per_week))
    if short.size:
        week = first_week + timedelta(weeks=int(short[0]))
        raise StaffingError(
            _(
                "%(name)s heeft in de week van %(week)s nog %(free)s uur vrij; deze inzet "
                "vraagt %(hours)s uur per week. Zo zou %(name)s overboekt raken."
            )
            % {
                "name": member.full_name,
                "week": date_format(week, "j F Y"),
                "free": f"{max(float(free[short[0]]), 0):g}",
                "hours": f"{float(assignment.hours_per_week):g}",
            }
        )


def _locked(assignment: Assignment) -> Assignment:
    """The assignment re-read under lock, after locking its member (the capacity guard).

    Locks are always taken member first, then assignment, so two steps never deadlock.
    """
    Member.objects.select_for_update().filter(pk=assignment.member_id).get()
    return Assignment.objects.select_for_update().select_related("member").get(pk=assignment.pk)


@transaction.atomic
def assignment_propose(
    *, role_request: RoleRequest, member: Member, by: AbstractBaseUser, score: float | None = None
) -> Assignment:
    if role_request.status != RoleRequest.Status.OPEN or role_request.opgave.status not in (
        Opgave.Status.OPEN,
        Opgave.Status.IN_PROGRESS,
    ):
        raise StaffingError(_("Deze rolvraag staat niet open voor voorstellen."))
    if Assignment.objects.filter(
        role_request=role_request, member=member, state__in=ACTIVE_STATES
    ).exists():
        raise StaffingError(_("%(name)s is al voorgesteld op deze rolvraag.") % {"name": member})
    assignment = Assignment(
        role_request=role_request,
        member=member,
        hours_per_week=role_request.hours_per_week,
        start=role_request.start,
        end=role_request.end,
        state=AssignmentState.PROPOSED,
        score=score,
    )
    assignment.full_clean()
    assignment.save()
    AssignmentTransition.objects.create(
        assignment=assignment, to_state=AssignmentState.PROPOSED, by=by
    )
    return assignment


@transaction.atomic
def assignment_accept(*, assignment: Assignment, by: AbstractBaseUser) -> Assignment:
    """The member accepts; the hours are booked from now on, so they must fit."""
    assignment = _locked(assignment)
    if assignment.member.user_id != by.pk:
        raise StaffingError(_("Alleen de medewerker zelf kan een voorstel accepteren."))
    if assignment.state == AssignmentState.PROPOSED:
        _check_capacity(assignment=assignment)
    return _transition(assignment=assignment, to=AssignmentState.ACCEPTED, by=by)


@transaction.atomic
def assignment_decline(*, assignment: Assignment, by: AbstractBaseUser, reason: str) -> Assignment:
    assignment = _locked(assignment)
    if assignment.member.user_id != by.pk:
        raise StaffingError(_("Alleen de medewerker zelf kan een voorstel afwijzen."))
    if not reason.strip():
        raise StaffingError(_("Geef een reden op voor het afwijzen."))
    return _transition(assignment=assignment, to=AssignmentState.DECLINED, by=by, reason=reason)


@transaction.atomic
def assignment_confirm(*, assignment: Assignment, by: AbstractBaseUser) -> Assignment:
    """HR confirms accepted inzet, checking the hours again: availability may have shrunk."""
    assignment = _locked(assignment)
    if assignment.state == AssignmentState.ACCEPTED:
        _check_capacity(assignment=assignment)
    return _transition(assignment=assignment, to=AssignmentState.CONFIRMED, by=by)


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, by: AbstractBaseUser, reason: str) -> Assignment:
    assignment = _locked(assignment)
    if not reason.strip():
        raise StaffingError(_("Geef een reden op voor het intrekken."))
    return _transition(assignment=assignment, to=AssignmentState.WITHDRAWN, by=by, reason=reason)
