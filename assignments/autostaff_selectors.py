"""Reads for auto-staffing: what an HR advisor may put into a run, and a run to review.

An advisor staffs the open role requests of the organisations they serve, with the members
of those organisations and the members other organisations share (the matching core then
only pairs a shared member with a request whose organisation takes part in sharing too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from assignments.matching.adapter import open_role_requests
from assignments.matching.explain import Reading, names_for, read
from assignments.models import ACTIVE_STATES, AutostaffRun, Opgave, RoleRequest
from pool.access import HR_ADVISOR, group_names
from pool.models import Member, Organisation

RECENT_RUNS = 5


@dataclass(frozen=True)
class AutostaffSelection:
    """Which open requests a run takes: all the advisor serves, narrowed by any of these.

    The names are kept beside the ids so that a run can say what it was run on without
    reading (or being able to read) those rows again.
    """

    opgave: UUID | None = None
    opgave_title: str = ""
    organisation: int | None = None
    organisation_name: str = ""
    weeks: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "opgave": str(self.opgave) if self.opgave else None,
            "opgave_title": self.opgave_title,
            "organisation": self.organisation,
            "organisation_name": self.organisation_name,
            "weeks": self.weeks,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AutostaffSelection:
        return cls(
            opgave=UUID(data["opgave"]) if data.get("opgave") else None,
            opgave_title=data.get("opgave_title", ""),
            organisation=data.get("organisation"),
            organisation_name=data.get("organisation_name", ""),
            weeks=data.get("weeks"),
        )


def _served(user: AbstractBaseUser) -> QuerySet[Organisation]:
    if HR_ADVISOR not in group_names(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(hr_advisors=user)


def autostaff_organisations(*, user: AbstractBaseUser) -> QuerySet[Organisation]:
    """The organisations whose requests the advisor may auto-staff: those they serve."""
    return _served(user).order_by("name", "pk")


def autostaff_requests(
    *, user: AbstractBaseUser, today: date, selection: AutostaffSelection | None = None
) -> QuerySet[RoleRequest]:
    """Open role requests of the organisations the advisor serves, narrowed by `selection`.

    "Start within N weeks" includes requests that have started already.
    """
    requests = open_role_requests(today=today).filter(
        opgave__organisation__in=_served(user).values("pk")
    )
    selection = selection or AutostaffSelection()
    if selection.opgave:
        requests = requests.filter(opgave__uuid=selection.opgave)
    if selection.organisation:
        requests = requests.filter(opgave__organisation_id=selection.organisation)
    if selection.weeks:
        requests = requests.filter(start__lte=today + timedelta(weeks=selection.weeks))
    return requests


def open_places(*, requests: QuerySet[RoleRequest]) -> tuple[int, int]:
    """How many requests, and their places not yet taken by proposed, accepted or
    confirmed inzet (the places autostaff_compute fills); one query."""
    rows = list(
        requests.order_by()
        .annotate(taken=Count("assignments", filter=Q(assignments__state__in=ACTIVE_STATES)))
        .values_list("people", "taken")
    )
    return len(rows), sum(max(people - taken, 0) for people, taken in rows)


def autostaff_opgaven(*, user: AbstractBaseUser, today: date) -> QuerySet[Opgave]:
    """Opgaven with at least one request the advisor may auto-staff: the opgave choices."""
    return Opgave.objects.filter(
        pk__in=autostaff_requests(user=user, today=today).values("opgave_id")
    ).order_by("title", "pk")


def autostaff_runs_of(*, user: AbstractBaseUser) -> QuerySet[AutostaffRun]:
    """The advisor's latest runs, newest first."""
    return AutostaffRun.objects.filter(created_by=user).order_by("-created_at", "-pk")[:RECENT_RUNS]


def autostaff_run_for_advisor(*, user: AbstractBaseUser, uuid: UUID) -> AutostaffRun:
    """One of the advisor's own runs; anyone else's is 404."""
    if HR_ADVISOR not in group_names(user):
        raise Http404
    try:
        return AutostaffRun.objects.get(uuid=uuid, created_by=user)
    except AutostaffRun.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class ReviewRow:
    index: int  # position in run.result["proposals"], the value of its checkbox
    role_request: RoleRequest | None  # None: deleted since
    member: Member | None
    score: float
    reading: Reading
    outcome: dict[str, Any] | None  # after applying: {"ok": bool, "message": str}


def autostaff_review(*, run: AutostaffRun) -> list[ReviewRow]:
    """The run's proposals with their request, member and reasons, in four queries."""
    proposals = run.result.get("proposals", [])
    requests = RoleRequest.objects.select_related("role", "opgave__organisation").in_bulk(
        {p["role_request"] for p in proposals}
    )
    members = Member.objects.select_related("organisation").in_bulk(
        {p["member"] for p in proposals}
    )
    competencies, roles = names_for(p["explanation"] for p in proposals)
    outcomes = {o["index"]: o for o in run.outcome}
    rows = [
        ReviewRow(
            index=index,
            role_request=requests.get(p["role_request"]),
            member=members.get(p["member"]),
            score=p["score"],
            reading=read(p["explanation"], competencies, roles),
            outcome=outcomes.get(index),
        )
        for index, p in enumerate(proposals)
    ]
    rows.sort(
        key=lambda row: (
            row.role_request.opgave.title if row.role_request else "",
            row.role_request.start if row.role_request else date.min,
            row.index,
        )
    )
    return rows
