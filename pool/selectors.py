"""Reads for the pool, scoped to what the asking user may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.http import Http404

from pool.models import Member, MemberCompetency


def member_profile_of(*, user: AbstractBaseUser) -> Member:
    """The member record of the logged-in user, with everything the profile page shows."""
    queryset = Member.objects.select_related("organisation").prefetch_related(
        Prefetch(
            "competencies",
            queryset=MemberCompetency.objects.select_related("competency__group"),
        ),
        "role_experience__role",
        "availability",
        "leave",
        "learning_goals__competency",
    )
    try:
        return queryset.get(user=user)
    except Member.DoesNotExist:
        raise Http404 from None
