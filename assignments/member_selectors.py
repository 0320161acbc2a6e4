"""Reads for the member's own staffing pages: proposals, inzet and opportunities.

Scoped to the logged-in member by construction: every query starts from their record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404

from assignments.matching.adapter import open_role_requests, week_of, weekly_hours
from assignments.matching.explain import Reading, names_for, read
from assignments.models import BOOKED_STATES, Assignment, AssignmentState, Match
from pool.models import Member

RELATED = ("role_request__role", "role_request__opgave__organisation")
WEEKS_AHEAD = 12


def member_of(*, user: AbstractBaseUser) -> Member:
    try:
        return Member.objects.select_related("organisation").get(user=user)
    except Member.DoesNotExist:
        raise Http404 from None


def with_readings(items: list, explanations: list[dict]) -> list[tuple]:
    """Pair each item with the reading of its explanation (None where there is none)."""
    competencies, roles = names_for([e for e in explanations if e])
    return [
        (item, read(e, competencies, roles) if e else None)
        for item, e in zip(items, explanations, strict=True)
    ]


def proposals_for(*, member: Member) -> list[tuple[Assignment, Reading | None]]:
    """Proposals waiting for the member's answer, with why they were matched."""
    proposals = list(
        member.assignments.filter(state=AssignmentState.PROPOSED)
        .select_related(*RELATED)
        .order_by("start", "pk")
    )
    explanations = dict(
        Match.objects.filter(
            member=member, role_request_id__in=[p.role_request_id for p in proposals]
        ).values_list("role_request_id", "explanation")
    )
    return with_readings(proposals, [explanations.get(p.role_request_id) for p in proposals])


def proposal_of(*, member: Member, uuid) -> Assignment:
    """One of the member's own assignments; someone else's is 404, as if it did not exist."""
    try:
        return member.assignments.select_related(*RELATED).get(uuid=uuid)
    except Assignment.DoesNotExist:
        raise Http404 from None


def assignments_of(*, member: Member, today: date) -> tuple[list, list]:
    """The member's current inzet (accepted or confirmed, not ended) and everything past."""
    everything = list(
        member.assignments.exclude(state=AssignmentState.PROPOSED)
        .select_related(*RELATED, "release")
        .order_by("-start", "pk")
    )
    current = [a for a in everything if a.state in BOOKED_STATES and a.end >= today]
    return current, [a for a in everything if a not in current]


@dataclass(frozen=True)
class Week:
    monday: date
    capacity: float
    booked: float
    proposed: float

    @property
    def free(self) -> float:
        return max(self.capacity - self.booked, 0.0)


def weekly_load(*, member: Member, today: date) -> list[Week]:
    """Hours per week over the coming weeks: capacity, booked (accepted and confirmed) and
    proposed (tentative), in a fixed number of queries."""
    first = week_of(today)
    hours = weekly_hours(
        np.array([member.pk], dtype=np.int64), [member.pool_hours], first, WEEKS_AHEAD
    )
    return [
        Week(
            monday=first + timedelta(weeks=w),
            capacity=float(hours.capacity[0, w]),
            booked=float(hours.booked[0, w]),
            proposed=float(hours.proposed[0, w]),
        )
        for w in range(WEEKS_AHEAD)
    ]


def opportunities_for(*, member: Member, today: date) -> QuerySet[Match]:
    """The open role requests that fit the member best, from the stored matches."""
    return (
        Match.objects.filter(
            member=member,
            in_member_top=True,
            role_request__in=open_role_requests(today=today),
        )
        .select_related(*RELATED)
        .order_by("-score", "role_request_id")
    )
