"""Who hears of which step of an inzet, and with which facts.

Called by the services inside their transaction (see notifications.services.notify).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from assignments.models import Assignment, AssignmentState, AssignmentTransition, Release
from notifications.models import NotificationKind
from notifications.services import notify


def _data(assignment: Assignment, **extra: Any) -> dict[str, Any]:
    role_request = assignment.role_request
    return {
        "member": assignment.member.full_name,
        "role": {"nl": role_request.role.name_nl, "en": role_request.role.name_en},
        "opgave": role_request.opgave.title,
        "hours": f"{assignment.hours_per_week.normalize():f}",
        "start": assignment.start.isoformat(),
        "end": assignment.end.isoformat(),
        **extra,
    }


def _proposer(assignment: Assignment) -> AbstractBaseUser | None:
    """The HR advisor who proposed the inzet."""
    transition = (
        AssignmentTransition.objects.filter(
            assignment=assignment, to_state=AssignmentState.PROPOSED
        )
        .select_related("by")
        .first()
    )
    return transition.by if transition else None


def _hr_url(assignment: Assignment) -> str:
    return reverse("hr:role_request", args=[assignment.role_request.uuid])


def proposed(assignment: Assignment) -> None:
    notify(
        recipients=[assignment.member.user],
        kind=NotificationKind.PROPOSED,
        data=_data(assignment),
        url=reverse("member:proposals"),
    )


def answered(assignment: Assignment, reason: str = "") -> None:
    """The member accepted or declined: the HR advisor who proposed hears it."""
    accepted = assignment.state == AssignmentState.ACCEPTED
    notify(
        recipients=[_proposer(assignment)],
        kind=NotificationKind.ACCEPTED if accepted else NotificationKind.DECLINED,
        data=_data(assignment, reason=reason),
        url=_hr_url(assignment),
    )


def release_requested(release: Release) -> None:
    assignment = release.assignment
    notify(
        recipients=[assignment.member.line_manager],
        kind=NotificationKind.RELEASE_REQUESTED,
        data=_data(assignment),
        url=reverse("releases:pending"),
    )


def release_decided(release: Release) -> None:
    """HR hears the decision; after a refusal the member too, whose inzet ended."""
    assignment = release.assignment
    approved = release.decision == Release.Decision.APPROVED
    by = release.decided_by
    data = _data(
        assignment,
        approved=approved,
        reason=release.reason,
        by=(by.get_full_name() or by.get_username()) if by else "",
    )
    kind = NotificationKind.RELEASE_DECIDED
    notify(recipients=[_proposer(assignment)], kind=kind, data=data, url=_hr_url(assignment))
    if not approved:
        notify(
            recipients=[assignment.member.user],
            kind=kind,
            data=data,
            url=reverse("member:assignments"),
        )


def confirmed(assignment: Assignment) -> None:
    """The member and the opgave's opdrachtgever hear that the inzet is settled."""
    opgave = assignment.role_request.opgave
    data = _data(assignment)
    kind = NotificationKind.CONFIRMED
    notify(
        recipients=[assignment.member.user],
        kind=kind,
        data=data,
        url=reverse("member:assignments"),
    )
    notify(
        recipients=[opgave.owner],
        kind=kind,
        data=data,
        url=reverse("assignments:opgave_detail", kwargs={"uuid": opgave.uuid}),
    )
