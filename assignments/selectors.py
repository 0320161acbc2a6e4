"""Reads for opgaven and staffing, scoped to what the asking user may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from assignments.models import Assignment, Opgave, RoleRequest
from pool.access import HR_ADVISOR, MANAGER, group_names


def opgaven_visible_to(*, user: AbstractBaseUser) -> QuerySet[Opgave]:
    """Managers see their own opgaven; HR advisors those of the organisations they serve."""
    groups = group_names(user)
    visible = Q(pk__in=[])
    if MANAGER in groups:
        visible |= Q(owner=user)
    if HR_ADVISOR in groups:
        visible |= Q(organisation__hr_advisors=user)
    return (
        Opgave.objects.filter(visible)
        .distinct()
        .select_related("organisation", "owner")
        .annotate(
            request_count=Count("role_requests", distinct=True),
            open_request_count=Count(
                "role_requests",
                filter=Q(role_requests__status=RoleRequest.Status.OPEN),
                distinct=True,
            ),
        )
        .order_by("-created_at")
    )


def open_role_requests_for_advisor(*, user: AbstractBaseUser) -> QuerySet[RoleRequest]:
    """Open role requests on active opgaven of the organisations the advisor serves."""
    if HR_ADVISOR not in group_names(user):
        return RoleRequest.objects.none()
    return (
        RoleRequest.objects.filter(
            status=RoleRequest.Status.OPEN,
            opgave__status__in=[Opgave.Status.OPEN, Opgave.Status.IN_PROGRESS],
            opgave__organisation__hr_advisors=user,
        )
        .select_related("role", "opgave__organisation")
        .annotate(
            staffed=Count(
                "assignments",
                filter=Q(assignments__state__in=Assignment.BOOKED_STATES),
            )
        )
        .order_by("start", "pk")
    )
