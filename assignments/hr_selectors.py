"""Reads for the HR advisor's staffing work, scoped to the organisations they serve."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.http import Http404

from assignments.matching.explain import Reading, names_for, read
from assignments.models import ACTIVE_STATES, Assignment, Match, RoleRequest, RoleRequestCompetency
from pool.access import HR_ADVISOR, group_names


def role_request_for_advisor(*, user: AbstractBaseUser, uuid: UUID) -> RoleRequest:
    """A role request of an organisation the advisor serves; anything else is 404."""
    if HR_ADVISOR not in group_names(user):
        raise Http404
    queryset = RoleRequest.objects.select_related(
        "role", "opgave__organisation", "opgave__owner"
    ).prefetch_related(
        Prefetch(
            "competency_needs",
            queryset=RoleRequestCompetency.objects.select_related("competency"),
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(state__in=ACTIVE_STATES).select_related("member"),
            to_attr="active_assignments",
        ),
    )
    try:
        return queryset.get(uuid=uuid, opgave__organisation__hr_advisors=user)
    except RoleRequest.DoesNotExist:
        raise Http404 from None


def candidates_for(*, role_request: RoleRequest) -> list[tuple[Match, Reading]]:
    """The stored best candidates, best first, each with its explanation in words."""
    matches = list(
        Match.objects.filter(role_request=role_request, in_request_top=True)
        .select_related("member__organisation")
        .order_by("-score", "member_id")
    )
    competencies, roles = names_for([m.explanation for m in matches])
    return [(m, read(m.explanation, competencies, roles)) for m in matches]
