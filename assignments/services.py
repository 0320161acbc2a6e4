"""Writes for opgaven, role requests, inzet and matching configuration."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assignments import inzet_notifications
from assignments.matching.adapter import free_hours, requests_changed, week_of
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
    OpgaveLogEntry,
    Release,
    RoleRequest,
    RoleRequestCompetency,
)
from competencies.models import Competency, Role
from config.celery import enqueue
from config.concurrency import version_check
from pool.access import MANAGER, group_names
from pool.models import AuditEntry, Member, Organisation
from pool.services import audit_record, member_matches_invalidate

REBUILD_TASK = "assignments.rebuild_matches"
# Staffing decisions are logged by id only: names and addresses are personal data (AVG).
logger = logging.getLogger(__name__)


def role_request_matches_invalidate(*, role_request_ids: list[int]) -> None:
    """Mark role requests' matches stale and ask for a recompute after commit."""
    RoleRequest.objects.filter(pk__in=role_request_ids).update(matches_stale_since=timezone.now())
    # After commit, so that no process caches the requests as they were before it.
    transaction.on_commit(requests_changed)
    for role_request_id in role_request_ids:
        transaction.on_commit(
            partial(enqueue, RECOMPUTE_REQUEST_TASK, role_request_id=role_request_id)
        )


def matches_invalidate_all(*, at: datetime | None = None) -> None:
    """Everything is stale (weights or catalogue changed): one full rebuild after commit.

    `at` is the stale mark to set (default now); a caller that knows when its change
    happened passes it, so that "stale since at most then" tells whether the rebuild ran.
    """
    now = at or timezone.now()
    Member.objects.update(matches_stale_since=now)
    RoleRequest.objects.filter(status=RoleRequest.Status.OPEN).update(matches_stale_since=now)
    transaction.on_commit(requests_changed)
    transaction.on_commit(partial(enqueue, REBUILD_TASK))


@transaction.atomic
def matching_weights_update(*, values: Mapping[str, float], by: AbstractBaseUser) -> bool:
    """Store new weights and have every match recomputed; False if nothing changed.

    The core validates (Weights raises WeightsError). Saving the weights in force changes
    nothing: no audit row and no full rebuild, which would cost minutes at municipal scale.
    The singleton row is locked, so that concurrent saves each log what they replaced.
    """
    weights = Weights.from_dict(values)
    row = MatchingWeights.objects.select_for_update().filter(pk=1).first()
    previous = Weights.from_dict(row.values if row else {})
    if weights == previous:
        return False
    row = row or MatchingWeights(pk=1)
    row.values = weights.as_dict()
    row.updated_by = by
    row.full_clean()
    row.save()
    audit_record(
        action=AuditEntry.Action.WEIGHTS_CHANGED,
        by=by,
        data={"from": previous.as_dict(), "to": weights.as_dict()},
    )
    # Marked with the row's own time: weights_recompute_pending compares against it.
    matches_invalidate_all(at=row.updated_at)
    return True


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
    logger.info("assignment %s: %s -> %s by user %s", assignment.pk, was, to, by.pk)
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
        np.array([member.pk], dtype=np.int64), [member.pool_hours], first_week, weeks
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
    """The assignment re-read under lock, after locking its opgave and its member.

    Locks are always taken opgave first (where the manager's changes start too), then
    member (the capacity guard), then assignment, so two steps never deadlock. The opgave
    lock makes steps on one opgave's inzet, and the manager's changes to it, take turns.
    """
    Opgave.objects.select_for_update(of=("self",)).filter(
        role_requests__assignments=assignment.pk
    ).get()
    Member.objects.select_for_update().filter(pk=assignment.member_id).get()
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("member", "role_request__opgave", "role_request__role")
        .get(pk=assignment.pk)
    )


def _check_places_left(assignment: Assignment) -> None:
    """Refuse booking inzet on a role request whose places are all confirmed.

    Call holding the opgave's row lock, so that two confirmations cannot both take the
    last place.
    """
    role_request = assignment.role_request
    others = role_request.assignments.filter(state=AssignmentState.CONFIRMED).exclude(
        pk=assignment.pk
    )
    if others.count() >= role_request.people:
        raise StaffingError(
            _("Alle plaatsen op deze rolvraag zijn al bevestigd; er kan niemand meer bij.")
        )


def _places_changed(*, role_request: RoleRequest, by: AbstractBaseUser) -> None:
    """After inzet was confirmed or ended: a request whose places are all confirmed is
    filled and wants no more candidates; one that lost a confirmed person opens again.
    The first confirmation puts an open opgave in progress. Call holding the opgave's lock.
    """
    opgave = role_request.opgave
    confirmed = role_request.assignments.filter(state=AssignmentState.CONFIRMED).count()
    if confirmed and opgave.status == Opgave.Status.OPEN:
        _set_status(opgave=opgave, by=by, to=Opgave.Status.IN_PROGRESS, action=LogAction.STARTED)
    status = (
        RoleRequest.Status.FILLED if confirmed >= role_request.people else RoleRequest.Status.OPEN
    )
    if role_request.status == status or role_request.status == RoleRequest.Status.WITHDRAWN:
        return
    role_request.status = status
    role_request.save(update_fields=["status", "updated_at"])
    action = (
        LogAction.ROLE_REQUEST_FILLED
        if status == RoleRequest.Status.FILLED
        else (LogAction.ROLE_REQUEST_REOPENED)
    )
    _log(opgave=opgave, by=by, action=action, data=_role_request_data(role_request))
    role_request_matches_invalidate(role_request_ids=[role_request.pk])


@transaction.atomic
def assignment_propose(
    *,
    role_request: RoleRequest,
    member: Member,
    by: AbstractBaseUser,
    score: float | None = None,
    check_hours: bool = False,
) -> Assignment:
    """Propose `member` for the request. A proposal books no hours; with `check_hours` it
    is refused if the member no longer has them free (auto-staffing proposes in bulk, and
    a proposal the member could not accept helps nobody)."""
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
    if check_hours:
        Member.objects.select_for_update().filter(pk=member.pk).get()
        _check_capacity(assignment=assignment)
    assignment.full_clean()
    assignment.save()
    AssignmentTransition.objects.create(
        assignment=assignment, to_state=AssignmentState.PROPOSED, by=by
    )
    inzet_notifications.proposed(assignment)
    return assignment


@transaction.atomic
def assignment_accept(*, assignment: Assignment, by: AbstractBaseUser) -> Assignment:
    """The member accepts; the hours are booked from now on, so they must fit."""
    assignment = _locked(assignment)
    if assignment.member.user_id != by.pk:
        raise StaffingError(_("Alleen de medewerker zelf kan een voorstel accepteren."))
    if assignment.state == AssignmentState.PROPOSED:
        _check_places_left(assignment)
        _check_capacity(assignment=assignment)
    _transition(assignment=assignment, to=AssignmentState.ACCEPTED, by=by)
    inzet_notifications.answered(assignment)
    if assignment.member.organisation.requires_release:
        # Whether release is needed is settled now: a later change of the organisation's
        # setting does not stop or start a release for inzet accepted before it.
        release = Release.objects.create(assignment=assignment)
        inzet_notifications.release_requested(release)
    return assignment


@transaction.atomic
def assignment_decline(*, assignment: Assignment, by: AbstractBaseUser, reason: str) -> Assignment:
    assignment = _locked(assignment)
    if assignment.member.user_id != by.pk:
        raise StaffingError(_("Alleen de medewerker zelf kan een voorstel afwijzen."))
    if not reason.strip():
        raise StaffingError(_("Geef een reden op voor het afwijzen."))
    _transition(assignment=assignment, to=AssignmentState.DECLINED, by=by, reason=reason)
    inzet_notifications.answered(assignment, reason=reason)
    return assignment


def _line_manager_name(member: Member) -> str:
    manager = member.line_manager
    if manager is None:
        return _("de leidinggevende (nog niet vastgelegd)")
    return manager.get_full_name() or manager.get_username()


def _check_released(assignment: Assignment) -> None:
    """Refuse confirming inzet whose release was refused, or is asked for and not given.

    Call holding the assignment's row lock: release decisions take it too.
    """
    release = Release.objects.filter(assignment=assignment).first()
    if release is None or release.decision == Release.Decision.APPROVED:
        return
    names = {
        "manager": _line_manager_name(assignment.member),
        "name": assignment.member.full_name,
    }
    if release.decision == Release.Decision.REFUSED:
        raise StaffingError(
            _("De uren van %(name)s zijn niet vrijgegeven; deze inzet kan niet worden bevestigd.")
            % names
        )
    if assignment.state == AssignmentState.ACCEPTED:
        raise StaffingError(
            _(
                "Wacht op vrijgave door %(manager)s: de uren van %(name)s moeten eerst worden "
                "vrijgegeven voordat je de inzet bevestigt."
            )
            % names
        )


def _release_to_decide(
    *, assignment: Assignment, by: AbstractBaseUser
) -> tuple[Assignment, Release]:
    """The inzet and its pending release, both locked; only the member's line manager."""
    assignment = _locked(assignment)
    release = Release.objects.select_for_update().filter(assignment=assignment).first()
    if release is None or assignment.member.line_manager_id != by.pk:
        raise StaffingError(
            _("Alleen de leidinggevende van %(name)s kan over deze uren besluiten.")
            % {"name": assignment.member.full_name}
        )
    if release.decision != Release.Decision.PENDING:
        raise StaffingError(
            _("Hierover is al besloten: %(decision)s.")
            % {"decision": release.get_decision_display()}
        )
    if assignment.state != AssignmentState.ACCEPTED:
        raise StaffingError(
            _("Deze inzet is %(state)s; er valt niets meer vrij te geven.")
            % {"state": assignment.get_state_display()}
        )
    return assignment, release


def _decide(release: Release, *, by: AbstractBaseUser, decision: str, reason: str = "") -> None:
    release.decision = decision
    release.decided_by = by
    release.decided_at = timezone.now()
    release.reason = reason
    release.full_clean()
    release.save()


@transaction.atomic
def release_approve(*, assignment: Assignment, by: AbstractBaseUser) -> Release:
    """The line manager lets the hours go; HR can now confirm. The state stays accepted,
    so history records the step as accepted → accepted with what was decided."""
    assignment, release = _release_to_decide(assignment=assignment, by=by)
    _decide(release, by=by, decision=Release.Decision.APPROVED)
    AssignmentTransition.objects.create(
        assignment=assignment,
        from_state=assignment.state,
        to_state=assignment.state,
        by=by,
        reason=_("Uren vrijgegeven door de leidinggevende."),
    )
    inzet_notifications.release_decided(release)
    return release


@transaction.atomic
def release_refuse(*, assignment: Assignment, by: AbstractBaseUser, reason: str) -> Release:
    """The line manager keeps the hours. The inzet ends (withdrawn): that frees the
    member's hours at once, and HR, told of it, proposes someone else. Sending it back to
    a proposal would only ask the member again for hours that are not theirs to give."""
    reason = reason.strip()
    if not reason:
        raise StaffingError(_("Geef een reden op voor het niet vrijgeven."))
    assignment, release = _release_to_decide(assignment=assignment, by=by)
    _decide(release, by=by, decision=Release.Decision.REFUSED, reason=reason)
    _transition(
        assignment=assignment,
        to=AssignmentState.WITHDRAWN,
        by=by,
        reason=_("Niet vrijgegeven door de leidinggevende: %(reason)s") % {"reason": reason},
    )
    inzet_notifications.release_decided(release)
    return release


@transaction.atomic
def assignment_confirm(*, assignment: Assignment, by: AbstractBaseUser) -> Assignment:
    """HR confirms accepted inzet, checking the hours again: availability may have shrunk."""
    assignment = _locked(assignment)
    _check_released(assignment)
    if assignment.state == AssignmentState.ACCEPTED:
        _check_places_left(assignment)
        _check_capacity(assignment=assignment)
    _transition(assignment=assignment, to=AssignmentState.CONFIRMED, by=by)
    _places_changed(role_request=assignment.role_request, by=by)
    inzet_notifications.confirmed(assignment)
    return assignment


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, by: AbstractBaseUser, reason: str) -> Assignment:
    assignment = _locked(assignment)
    if not reason.strip():
        raise StaffingError(_("Geef een reden op voor het intrekken."))
    was_confirmed = assignment.state == AssignmentState.CONFIRMED
    _transition(assignment=assignment, to=AssignmentState.WITHDRAWN, by=by, reason=reason)
    if was_confirmed:
        _places_changed(role_request=assignment.role_request, by=by)
    return assignment


# --------------------------------------------------------------------------------------
# Opgaven and their role requests: what the manager (opdrachtgever) changes.
#
# Locking: every change to an opgave or to one of its role requests first takes the
# opgave's row lock, so changes to one opgave run one after the other. Where inzet is
# touched as well, members and assignments are locked after it, in `_locked`'s order.
# --------------------------------------------------------------------------------------


class OpgaveError(Exception):
    """A change to an opgave or role request that the rules refuse; the message is for
    the person who tried."""


# Which organisations a manager may create opgaven for. For now any municipality or other
# public body will do (an external supplier never commissions an opgave); tying managers
# to their own organisation(s) needs a link between users and organisations first.
OPGAVE_ORGANISATION_KINDS = (Organisation.Kind.MUNICIPALITY, Organisation.Kind.PUBLIC_BODY)

# While an opgave is in one of these states, it and its role requests may still change.
CHANGEABLE_STATUSES = (Opgave.Status.CONCEPT, Opgave.Status.OPEN, Opgave.Status.IN_PROGRESS)

# Once someone is confirmed on a request (or has done the work), its terms are fixed:
# only more people or a later end may still be asked for.
FIXING_STATES = (AssignmentState.CONFIRMED, AssignmentState.COMPLETED)
CHANGEABLE_WHEN_FIXED = frozenset({"people", "end"})

# What "vraag de vijf kernrollen aan" asks per core role; the manager adjusts it after.
CORE_ROLE_HOURS = Decimal(8)
CORE_ROLE_PEOPLE = 1


class LogAction:
    """The `action` codes of OpgaveLogEntry written here (stable: they are stored)."""

    CREATED = "created"
    COPIED = "copied"
    UPDATED = "updated"
    OPENED = "opened"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ROLE_REQUEST_ADDED = "role_request_added"
    ROLE_REQUEST_CHANGED = "role_request_changed"
    ROLE_REQUEST_REMOVED = "role_request_removed"
    ROLE_REQUEST_WITHDRAWN = "role_request_withdrawn"
    ROLE_REQUEST_FILLED = "role_request_filled"
    ROLE_REQUEST_REOPENED = "role_request_reopened"


@dataclass(frozen=True)
class CompetencyNeed:
    """One competency a role request asks for, as the services take and compare it."""

    competency_id: int
    min_level: int
    required: bool = True


def _log(
    *,
    opgave: Opgave,
    by: AbstractBaseUser,
    action: str,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> OpgaveLogEntry:
    return OpgaveLogEntry.objects.create(
        opgave=opgave,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )


def _loggable(value: Any) -> Any:
    """A value as the history stores it: JSON, and readable without the row it came from."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, Role):
        return {"nl": value.name_nl, "en": value.name_en}
    if isinstance(value, Organisation):
        return value.name
    if isinstance(value, frozenset):
        return sorted([n.competency_id, n.min_level, n.required] for n in value)
    return value


def _role_request_data(role_request: RoleRequest) -> dict[str, Any]:
    return {"role_request": str(role_request.uuid), "role": _loggable(role_request.role)}


def _require_manager(by: AbstractBaseUser) -> None:
    if MANAGER not in group_names(by):
        raise OpgaveError(_("Alleen een opdrachtgever kan opgaven aanmaken en wijzigen."))


def _check_organisation(organisation: Organisation) -> None:
    if organisation.kind not in OPGAVE_ORGANISATION_KINDS:
        raise ValidationError(
            {"organisation": _("Voor deze organisatie kun je geen opgave aanmaken.")}
        )


def _lock_own_role_request(
    *, role_request: RoleRequest, by: AbstractBaseUser
) -> tuple[Opgave, RoleRequest]:
    """The changeable opgave and the role request, both re-read under their row locks
    (opgave first, the order every service here takes them in)."""
    opgave = _lock_own_opgave(opgave_id=role_request.opgave_id, by=by)
    _check_changeable(opgave)
    locked = (
        RoleRequest.objects.select_for_update(of=("self",))
        .select_related("role")
        .get(pk=role_request.pk, opgave=opgave)
    )
    return opgave, locked


def _lock_own_opgave(*, opgave_id: int, by: AbstractBaseUser) -> Opgave:
    """The opgave re-read under its row lock; refused unless `by` is its opdrachtgever."""
    _require_manager(by)
    opgave = Opgave.objects.select_for_update().get(pk=opgave_id)
    if opgave.owner_id != by.pk:
        raise OpgaveError(_("Alleen de opdrachtgever van deze opgave kan haar wijzigen."))
    return opgave


def _check_changeable(opgave: Opgave) -> None:
    if opgave.status not in CHANGEABLE_STATUSES:
        raise OpgaveError(
            _("Deze opgave is %(status)s; er kan niets meer aan veranderen.")
            % {"status": opgave.get_status_display()}
        )


def _request_ids(opgave: Opgave) -> list[int]:
    return list(RoleRequest.objects.filter(opgave=opgave).values_list("pk", flat=True))


def _set_status(
    *, opgave: Opgave, by: AbstractBaseUser, to: str, action: str, reason: str = ""
) -> Opgave:
    """Move the opgave to `to` and record it. Call holding the opgave's row lock."""
    was = opgave.status
    opgave.status = to
    opgave.full_clean()
    opgave.save(update_fields=["status", "updated_at"])
    _log(opgave=opgave, by=by, action=action, from_status=was, to_status=to, reason=reason)
    return opgave


@transaction.atomic
def opgave_create(
    *,
    by: AbstractBaseUser,
    title: str,
    organisation: Organisation,
    start: date,
    end: date,
    predictability: str,
    complexity: str,
    governance: str = Opgave.Governance.NETWORK,
    description: str = "",
) -> Opgave:
    """A new opgave owned by `by`, as a concept: nobody is matched until it is opened."""
    _require_manager(by)
    _check_organisation(organisation)
    opgave = Opgave(
        owner=by,
        status=Opgave.Status.CONCEPT,
        title=title.strip(),
        description=description.strip(),
        organisation=organisation,
        start=start,
        end=end,
        predictability=predictability,
        complexity=complexity,
        governance=governance,
    )
    opgave.full_clean()
    opgave.save()
    _log(opgave=opgave, by=by, action=LogAction.CREATED, to_status=opgave.status)
    return opgave


def _check_requests_within_period(opgave: Opgave) -> None:
    """Refuse a period that no longer holds the opgave's (not withdrawn) role requests."""
    requests = RoleRequest.objects.filter(opgave=opgave).exclude(
        status=RoleRequest.Status.WITHDRAWN
    )
    errors = {}
    early = requests.filter(start__lt=opgave.start).order_by("start").first()
    if early:
        errors["start"] = _(
            "De rolvraag %(role)s begint al op %(date)s. Pas eerst die rolvraag aan."
        ) % {"role": early.role, "date": date_format(early.start, "j F Y")}
    late = requests.filter(end__gt=opgave.end).order_by("-end").first()
    if late:
        errors["end"] = _(
            "De rolvraag %(role)s loopt tot en met %(date)s. Pas eerst die rolvraag aan."
        ) % {"role": late.role, "date": date_format(late.end, "j F Y")}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def opgave_update(
    *,
    opgave: Opgave,
    by: AbstractBaseUser,
    title: str,
    description: str,
    organisation: Organisation,
    start: date,
    end: date,
    predictability: str,
    complexity: str,
    governance: str,
    version: str = "",
) -> Opgave:
    """Change what the opgave is about; a new period makes its requests' matches stale.
    An edit made on another `version` than the stored one is refused (config/concurrency)."""
    opgave = _lock_own_opgave(opgave_id=opgave.pk, by=by)
    _check_changeable(opgave)
    version_check(opgave, version)
    wanted = {
        "title": title.strip(),
        "description": description.strip(),
        "start": start,
        "end": end,
        "predictability": predictability,
        "complexity": complexity,
        "governance": governance,
    }
    changes = {
        name: (getattr(opgave, name), value)
        for name, value in wanted.items()
        if getattr(opgave, name) != value
    }
    if opgave.organisation_id != organisation.pk:
        _check_organisation(organisation)
        changes["organisation"] = (opgave.organisation, organisation)
    if not changes:
        return opgave
    for name, (_old, value) in changes.items():
        setattr(opgave, name, value)
    opgave.full_clean()
    period_changed = "start" in changes or "end" in changes
    if period_changed:
        _check_requests_within_period(opgave)
    opgave.save()
    _log(
        opgave=opgave,
        by=by,
        action=LogAction.UPDATED,
        data={
            "changes": {
                name: [_loggable(old), _loggable(new)] for name, (old, new) in changes.items()
            }
        },
    )
    if period_changed:
        role_request_matches_invalidate(role_request_ids=_request_ids(opgave))
    return opgave


@transaction.atomic
def opgave_open(*, opgave: Opgave, by: AbstractBaseUser) -> Opgave:
    """Open a concept for staffing: from now on its role requests are matched."""
    opgave = _lock_own_opgave(opgave_id=opgave.pk, by=by)
    if opgave.status != Opgave.Status.CONCEPT:
        raise OpgaveError(
            _("Deze opgave is %(status)s; alleen een concept kan worden opengesteld.")
            % {"status": opgave.get_status_display()}
        )
    if not RoleRequest.objects.filter(opgave=opgave, status=RoleRequest.Status.OPEN).exists():
        raise OpgaveError(_("Vraag eerst minstens één rol aan; daarna kun je de opgave openen."))
    _set_status(opgave=opgave, by=by, to=Opgave.Status.OPEN, action=LogAction.OPENED)
    role_request_matches_invalidate(role_request_ids=_request_ids(opgave))
    return opgave


def _close(
    *, opgave: Opgave, by: AbstractBaseUser, reason: str, to: str, action: str, allowed: tuple
) -> Opgave:
    """End the opgave and the inzet on it, so that nobody's hours stay booked on it.

    Confirmed inzet is completed when the opgave is completed and withdrawn when it is
    cancelled; proposals and accepted inzet are withdrawn either way.
    """
    opgave = _lock_own_opgave(opgave_id=opgave.pk, by=by)
    if opgave.status not in allowed:
        raise OpgaveError(
            _("Deze opgave is %(status)s; die stap kan nu niet.")
            % {"status": opgave.get_status_display()}
        )
    reason = reason.strip()
    if not reason:
        raise OpgaveError(_("Geef een reden op."))
    active = Assignment.objects.filter(
        role_request__opgave=opgave, state__in=ACTIVE_STATES
    ).order_by("member_id", "pk")
    for assignment in active:
        locked = _locked(assignment)
        if locked.state not in ACTIVE_STATES:  # changed while we were waiting for the lock
            continue
        done = to == Opgave.Status.COMPLETED and locked.state == AssignmentState.CONFIRMED
        _transition(
            assignment=locked,
            to=AssignmentState.COMPLETED if done else AssignmentState.WITHDRAWN,
            by=by,
            reason=reason,
        )
    _set_status(opgave=opgave, by=by, to=to, action=action, reason=reason)
    role_request_matches_invalidate(role_request_ids=_request_ids(opgave))
    return opgave


@transaction.atomic
def opgave_complete(*, opgave: Opgave, by: AbstractBaseUser, reason: str) -> Opgave:
    return _close(
        opgave=opgave,
        by=by,
        reason=reason,
        to=Opgave.Status.COMPLETED,
        action=LogAction.COMPLETED,
        allowed=(Opgave.Status.OPEN, Opgave.Status.IN_PROGRESS),
    )


@transaction.atomic
def opgave_cancel(*, opgave: Opgave, by: AbstractBaseUser, reason: str) -> Opgave:
    return _close(
        opgave=opgave,
        by=by,
        reason=reason,
        to=Opgave.Status.CANCELLED,
        action=LogAction.CANCELLED,
        allowed=CHANGEABLE_STATUSES,
    )


@transaction.atomic
def opgave_copy(*, opgave: Opgave, by: AbstractBaseUser, start: date | None = None) -> Opgave:
    """A new concept like `opgave`, with its role requests and their competencies.

    Nobody is staffed on the copy. With `start`, every date moves along by the same
    number of days, so that last year's opgave becomes this year's starting point.
    """
    _require_manager(by)
    if opgave.owner_id != by.pk:
        raise OpgaveError(_("Je kunt alleen je eigen opgaven kopiëren."))
    shift = (start - opgave.start) if start else timedelta(0)
    if shift and date.max - opgave.end < shift:  # the copy would end past the calendar
        raise ValidationError({"start": _("Met deze startdatum zou de kopie te laat eindigen.")})
    copy = Opgave(
        owner=by,
        status=Opgave.Status.CONCEPT,
        title=(_("Kopie van %(title)s") % {"title": opgave.title})[:200],
        description=opgave.description,
        organisation_id=opgave.organisation_id,
        start=opgave.start + shift,
        end=opgave.end + shift,
        predictability=opgave.predictability,
        complexity=opgave.complexity,
        governance=opgave.governance,
    )
    copy.full_clean()
    copy.save()
    sources = (
        RoleRequest.objects.filter(opgave=opgave)
        .exclude(status=RoleRequest.Status.WITHDRAWN)
        .prefetch_related("competency_needs")
        .order_by("pk")
    )
    copied = []
    for source in sources:
        role_request = RoleRequest(
            opgave=copy,
            role_id=source.role_id,
            hours_per_week=source.hours_per_week,
            people=source.people,
            open_to_development=source.open_to_development,
            notes=source.notes,
            start=source.start + shift,
            end=source.end + shift,
        )
        role_request.full_clean()
        role_request.save()
        _needs_write(
            role_request=role_request,
            old=frozenset(),
            new=frozenset(
                CompetencyNeed(n.competency_id, n.min_level, n.required)
                for n in source.competency_needs.all()
            ),
        )
        copied.append(role_request.pk)
    _log(
        opgave=copy,
        by=by,
        action=LogAction.COPIED,
        to_status=copy.status,
        data={
            "source": str(opgave.uuid),
            "source_title": opgave.title,
            "role_requests": len(copied),
        },
    )
    role_request_matches_invalidate(role_request_ids=copied)
    return copy


def _needs_set(needs: Iterable[CompetencyNeed]) -> frozenset[CompetencyNeed]:
    needs = list(needs)
    if len({n.competency_id for n in needs}) != len(needs):
        raise ValidationError({"needs": _("Vraag elke competentie maar één keer.")})
    return frozenset(needs)


def _needs_of(role_request: RoleRequest) -> frozenset[CompetencyNeed]:
    return frozenset(
        CompetencyNeed(*row)
        for row in RoleRequestCompetency.objects.filter(role_request=role_request).values_list(
            "competency_id", "min_level", "required"
        )
    )


def _needs_write(
    *,
    role_request: RoleRequest,
    old: frozenset[CompetencyNeed],
    new: frozenset[CompetencyNeed],
) -> None:
    """Bring the stored competency needs from `old` to `new`."""
    new_by_competency = {n.competency_id: n for n in new}
    gone = {n.competency_id for n in old} - set(new_by_competency)
    RoleRequestCompetency.objects.filter(role_request=role_request, competency_id__in=gone).delete()
    kept = {n.competency_id: n for n in old if n.competency_id in new_by_competency}
    for competency_id, need in new_by_competency.items():
        if kept.get(competency_id) == need:
            continue
        row = RoleRequestCompetency.objects.filter(
            role_request=role_request, competency_id=competency_id
        ).first() or RoleRequestCompetency(role_request=role_request, competency_id=competency_id)
        row.min_level = need.min_level
        row.required = need.required
        row.full_clean()
        row.save()


def _check_within_opgave(*, role_request: RoleRequest, opgave: Opgave) -> None:
    errors = {}
    if role_request.start < opgave.start:
        errors["start"] = _("Dat is vóór het begin van de opgave (%(date)s).") % {
            "date": date_format(opgave.start, "j F Y")
        }
    if role_request.end > opgave.end:
        errors["end"] = _("Dat is na het einde van de opgave (%(date)s).") % {
            "date": date_format(opgave.end, "j F Y")
        }
    if errors:
        raise ValidationError(errors)


def _check_active_role(role: Role) -> None:
    if not role.is_active:
        raise ValidationError({"role": _("Deze rol kan niet meer worden aangevraagd.")})


def _check_active_competencies(needs: frozenset[CompetencyNeed]) -> None:
    ids = {n.competency_id for n in needs}
    if ids and Competency.objects.filter(pk__in=ids, is_active=True).count() != len(ids):
        raise ValidationError(
            {"needs": _("Een van de competenties kan niet meer worden gevraagd.")}
        )


def _is_fixed(role_request: RoleRequest) -> bool:
    return Assignment.objects.filter(role_request=role_request, state__in=FIXING_STATES).exists()


@transaction.atomic
def role_request_create(
    *,
    opgave: Opgave,
    by: AbstractBaseUser,
    role: Role,
    hours_per_week: Decimal,
    start: date,
    end: date,
    people: int = 1,
    open_to_development: bool = False,
    notes: str = "",
    needs: Iterable[CompetencyNeed] = (),
) -> RoleRequest:
    opgave = _lock_own_opgave(opgave_id=opgave.pk, by=by)
    _check_changeable(opgave)
    _check_active_role(role)
    wanted_needs = _needs_set(needs)
    _check_active_competencies(wanted_needs)
    role_request = RoleRequest(
        opgave=opgave,
        role=role,
        hours_per_week=hours_per_week,
        start=start,
        end=end,
        people=people,
        open_to_development=open_to_development,
        notes=notes.strip(),
    )
    role_request.full_clean()
    _check_within_opgave(role_request=role_request, opgave=opgave)
    role_request.save()
    _needs_write(role_request=role_request, old=frozenset(), new=wanted_needs)
    _log(
        opgave=opgave,
        by=by,
        action=LogAction.ROLE_REQUEST_ADDED,
        data=_role_request_data(role_request),
    )
    role_request_matches_invalidate(role_request_ids=[role_request.pk])
    return role_request


@transaction.atomic
def role_request_update(
    *,
    role_request: RoleRequest,
    by: AbstractBaseUser,
    role: Role,
    hours_per_week: Decimal,
    start: date,
    end: date,
    people: int,
    open_to_development: bool,
    notes: str = "",
    needs: Iterable[CompetencyNeed] = (),
    version: str = "",
) -> RoleRequest:
    """Change a role request. Once someone is confirmed on it, only more people or a
    later end are allowed. An edit made on another `version` is refused.

    The rule is checked under the opgave's lock; a confirmation by HR that commits while
    this runs is not waited for (assignment_confirm locks only the member and the inzet).
    """
    opgave, role_request = _lock_own_role_request(role_request=role_request, by=by)
    if role_request.status == RoleRequest.Status.WITHDRAWN:
        raise OpgaveError(_("Deze rolvraag is ingetrokken; wijzigen kan niet meer."))
    version_check(role_request, version)
    wanted = {
        "role": role,
        "hours_per_week": Decimal(hours_per_week),
        "start": start,
        "end": end,
        "people": people,
        "open_to_development": open_to_development,
        "notes": notes.strip(),
    }
    changes: dict[str, tuple[Any, Any]] = {
        name: (getattr(role_request, name), value)
        for name, value in wanted.items()
        if getattr(role_request, name) != value
    }
    old_needs, new_needs = _needs_of(role_request), _needs_set(needs)
    if old_needs != new_needs:
        changes["needs"] = (old_needs, new_needs)
    if not changes:
        return role_request
    if _is_fixed(role_request):
        refused = set(changes) - CHANGEABLE_WHEN_FIXED
        if people < role_request.people or end < role_request.end:
            refused.add("less")
        if refused:
            raise OpgaveError(
                _(
                    "Op deze rolvraag is al iemand bevestigd. Je kunt alleen personen "
                    "toevoegen of de einddatum verlengen."
                )
            )
    if "role" in changes:
        _check_active_role(role)
    if "needs" in changes:
        _check_active_competencies(new_needs - old_needs)
    for name, (_old, value) in changes.items():
        if name != "needs":
            setattr(role_request, name, value)
    if role_request.status == RoleRequest.Status.FILLED and "people" in changes:
        role_request.status = RoleRequest.Status.OPEN  # room for more people again
    role_request.full_clean()
    _check_within_opgave(role_request=role_request, opgave=opgave)
    role_request.save()
    if "needs" in changes:
        _needs_write(role_request=role_request, old=old_needs, new=new_needs)
    _log(
        opgave=opgave,
        by=by,
        action=LogAction.ROLE_REQUEST_CHANGED,
        data={
            **_role_request_data(role_request),
            "changes": {
                name: [_loggable(old), _loggable(new)] for name, (old, new) in changes.items()
            },
        },
    )
    role_request_matches_invalidate(role_request_ids=[role_request.pk])
    return role_request


@transaction.atomic
def role_request_remove(
    *, role_request: RoleRequest, by: AbstractBaseUser, reason: str = ""
) -> RoleRequest | None:
    """Remove a role request that nobody is confirmed on.

    A request that never had inzet is deleted (returns None). One that had is withdrawn
    instead, so that the inzet keeps its history; proposals and accepted inzet on it are
    withdrawn too, which frees the members' hours.
    """
    opgave, role_request = _lock_own_role_request(role_request=role_request, by=by)
    if role_request.status == RoleRequest.Status.WITHDRAWN:
        raise OpgaveError(_("Deze rolvraag is al ingetrokken."))
    if _is_fixed(role_request):
        raise OpgaveError(
            _("Op deze rolvraag is al iemand bevestigd; je kunt haar niet meer verwijderen.")
        )
    reason = reason.strip()
    data = _role_request_data(role_request)
    role_request_matches_invalidate(role_request_ids=[role_request.pk])
    if not Assignment.objects.filter(role_request=role_request).exists():
        _log(
            opgave=opgave,
            by=by,
            action=LogAction.ROLE_REQUEST_REMOVED,
            reason=reason,
            data=data,
        )
        role_request.delete()
        return None
    why = reason or _("De opdrachtgever heeft de rolvraag ingetrokken.")
    active = Assignment.objects.filter(role_request=role_request, state__in=ACTIVE_STATES)
    for assignment in active.order_by("member_id", "pk"):
        locked = _locked(assignment)
        if locked.state in ACTIVE_STATES:
            _transition(assignment=locked, to=AssignmentState.WITHDRAWN, by=by, reason=why)
    role_request.status = RoleRequest.Status.WITHDRAWN
    role_request.full_clean()
    role_request.save(update_fields=["status", "updated_at"])
    _log(
        opgave=opgave,
        by=by,
        action=LogAction.ROLE_REQUEST_WITHDRAWN,
        reason=reason,
        data=data,
    )
    return role_request


@transaction.atomic
def opgave_request_core_roles(*, opgave: Opgave, by: AbstractBaseUser) -> list[RoleRequest]:
    """One role request for each core role not yet asked for, over the opgave's period."""
    opgave = _lock_own_opgave(opgave_id=opgave.pk, by=by)
    _check_changeable(opgave)
    requested = set(
        RoleRequest.objects.filter(opgave=opgave)
        .exclude(status=RoleRequest.Status.WITHDRAWN)
        .values_list("role_id", flat=True)
    )
    missing = [
        role
        for role in Role.objects.filter(is_core=True, is_active=True).order_by("order", "name_nl")
        if role.pk not in requested
    ]
    if not missing:
        raise OpgaveError(_("Alle kernrollen zijn al aangevraagd."))
    return [
        role_request_create(
            opgave=opgave,
            by=by,
            role=role,
            hours_per_week=CORE_ROLE_HOURS,
            start=opgave.start,
            end=opgave.end,
            people=CORE_ROLE_PEOPLE,
        )
        for role in missing
    ]
