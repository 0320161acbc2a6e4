"""Reads for the line manager's release pages, scoped to the people they manage."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404

from assignments.matching.explain import Reading
from assignments.member_selectors import with_readings
from assignments.models import AssignmentState, Match, Release

RELATED = (
    "assignment__member__organisation",
    "assignment__role_request__role",
    "assignment__role_request__opgave__organisation",
)


def pending_releases_for(*, user: AbstractBaseUser) -> QuerySet[Release]:
    """Releases waiting for `user`: of accepted inzet of the members they manage now."""
    return (
        Release.objects.filter(
            decision=Release.Decision.PENDING,
            assignment__state=AssignmentState.ACCEPTED,
            assignment__member__line_manager=user,
        )
        .select_related(*RELATED)
        .order_by("requested_at", "pk")
    )


def decided_releases_by(*, user: AbstractBaseUser) -> QuerySet[Release]:
    return (
        Release.objects.filter(decided_by=user)
        .exclude(decision=Release.Decision.PENDING)
        .select_related(*RELATED)
        .order_by("-decided_at", "-pk")
    )


def release_for(*, user: AbstractBaseUser, uuid) -> Release:
    """The release of one inzet (by its uuid) of a member `user` manages; else 404."""
    try:
        return Release.objects.select_related(*RELATED).get(
            assignment__uuid=uuid, assignment__member__line_manager=user
        )
    except Release.DoesNotExist:
        raise Http404 from None


def with_match_readings(releases: list[Release]) -> list[tuple[Release, Reading | None]]:
    """Each release with why its member was matched, in a fixed number of queries."""
    pairs = {(r.assignment.member_id, r.assignment.role_request_id) for r in releases}
    explanations = {
        (member_id, request_id): explanation
        for member_id, request_id, explanation in Match.objects.filter(
            member_id__in={m for m, _ in pairs}, role_request_id__in={r for _, r in pairs}
        ).values_list("member_id", "role_request_id", "explanation")
        if (member_id, request_id) in pairs
    }
    return with_readings(
        releases,
        [
            explanations.get((r.assignment.member_id, r.assignment.role_request_id))
            for r in releases
        ],
    )
