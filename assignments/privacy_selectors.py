"""Reads for privacy (AVG/GDPR): everything Rolpool holds about one member, as JSON data."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from assignments.models import Assignment, AssignmentTransition, Match
from pool.access import ADMINISTRATOR, group_names
from pool.models import LearningGoal, Member, MemberCompetency, RoleExperience

OPGAVE_OF = ("role_request__role", "role_request__opgave__organisation")


def member_for_administrator(*, user: AbstractBaseUser, uuid: UUID) -> Member:
    """Any member, for a functional administrator; 404 for everyone else."""
    if ADMINISTRATOR not in group_names(user):
        raise Http404
    try:
        return Member.objects.select_related("organisation", "user").get(uuid=uuid)
    except Member.DoesNotExist:
        raise Http404 from None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _period(row) -> dict[str, Any]:
    return {"start": _iso(row.start), "end": _iso(row.end)}


def _on(assignment_or_match) -> dict[str, Any]:
    request = assignment_or_match.role_request
    return {
        "opgave": request.opgave.title,
        "organisation": request.opgave.organisation.name,
        "role": request.role.name_nl,
    }


def member_data_export(*, member: Member) -> dict[str, Any]:
    """All data held about `member` (AVG art. 15 and 20), in a fixed number of queries.

    Other people appear only as "you" or "someone else" (`by_self`): their data is theirs.
    """
    member = (
        Member.objects.select_related("organisation", "user")
        .prefetch_related(
            Prefetch(
                "competencies",
                queryset=MemberCompetency.objects.select_related("competency__group"),
            ),
            Prefetch("role_experience", queryset=RoleExperience.objects.select_related("role")),
            "availability",
            "leave",
            Prefetch("learning_goals", queryset=LearningGoal.objects.select_related("competency")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related(*OPGAVE_OF)
                .prefetch_related(
                    Prefetch("transitions", queryset=AssignmentTransition.objects.order_by("at"))
                )
                .order_by("start", "pk"),
            ),
            Prefetch(
                "matches",
                queryset=Match.objects.select_related(*OPGAVE_OF).order_by("-score", "pk"),
            ),
            "audit_entries",
        )
        .get(pk=member.pk)
    )
    user = member.user
    data: dict[str, Any] = {
        "exported_at": _iso(timezone.now()),
        "profile": {
            "uuid": str(member.uuid),
            "personnel_number": member.personnel_number,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": member.email,
            "organisation": member.organisation.name,
            "unit": member.unit,
            "contract_hours": float(member.contract_hours),
            "pool_hours": float(member.pool_hours),
            "is_external": member.is_external,
            "shareable": member.shareable,
            "has_line_manager": member.line_manager_id is not None,
            "profile_confirmed_at": _iso(member.profile_confirmed_at),
            "created_at": _iso(member.created_at),
            "updated_at": _iso(member.updated_at),
        },
        "account": user
        and {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "competencies": [
            {
                "competency": row.competency.name_nl,
                "group": row.competency.group.name_nl,
                "level": row.level,
                "evidence": row.evidence,
                "updated_at": _iso(row.updated_at),
            }
            for row in member.competencies.all()
        ],
        "role_experience": [
            {"role": row.role.name_nl, "experience": row.experience, "preference": row.preference}
            for row in member.role_experience.all()
        ],
        "availability": [
            {**_period(row), "hours_per_week": float(row.hours_per_week), "note": row.note}
            for row in member.availability.all()
        ],
        "leave": [{**_period(row), "note": row.note} for row in member.leave.all()],
        "learning_goals": [
            {
                "competency": row.competency.name_nl,
                "target_level": row.target_level,
                "note": row.note,
                "created_at": _iso(row.created_at),
            }
            for row in member.learning_goals.all()
        ],
        "assignments": [
            {
                **_on(row),
                **_period(row),
                "hours_per_week": float(row.hours_per_week),
                "state": row.state,
                "score": row.score,
                "transitions": [
                    {
                        "from": step.from_state,
                        "to": step.to_state,
                        "at": _iso(step.at),
                        "by_self": user is not None and step.by_id == user.pk,
                        "reason": step.reason,
                    }
                    for step in row.transitions.all()
                ],
            }
            for row in member.assignments.all()
        ],
        "matches": [
            {
                **_on(row),
                "score": row.score,
                "explanation": row.explanation,
                "computed_at": _iso(row.computed_at),
            }
            for row in member.matches.all()
        ],
        "audit": [{"action": row.action, "at": _iso(row.at)} for row in member.audit_entries.all()],
        "notifications": _notifications(user),
    }
    return data


def _notifications(user: AbstractBaseUser | None) -> list[dict[str, Any]]:
    # Looked up by name: the notifications app is optional to this one.
    if user is None or not apps.is_installed("notifications"):
        return []
    notification = apps.get_model("notifications", "Notification")
    return [
        {
            "kind": row.kind,
            "data": row.data,
            "created_at": _iso(row.created_at),
            "read_at": _iso(row.read_at),
        }
        for row in notification.objects.filter(recipient=user).order_by("created_at", "pk")
    ]
