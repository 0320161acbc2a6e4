"""Reads for the matching weights page: the weights in force and whether matches follow.

HR advisors read the weights (they explain the scores they staff by); only functional
administrators change them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from assignments.matching.core import Weights
from assignments.models import MatchingWeights, RoleRequest
from pool.access import ADMINISTRATOR, HR_ADVISOR, group_names
from pool.models import Member


@dataclass(frozen=True)
class WeightsState:
    weights: Weights
    updated_at: datetime | None  # None: never saved, the defaults apply
    updated_by: AbstractBaseUser | None
    recomputing: bool


def weights_editable_by(*, user: AbstractBaseUser) -> bool:
    return ADMINISTRATOR in group_names(user)


def weights_recompute_pending(*, changed_at: datetime | None) -> bool:
    """Whether matches computed before the weights changed at `changed_at` remain.

    A weights change marks everything stale with its own time (matching_weights_update) and
    the rebuild clears every mark it started after; a later edit's newer mark is another
    recompute's business. Two indexed EXISTS queries.
    """
    if changed_at is None:
        return False
    stale = {"matches_stale_since__lte": changed_at}
    return Member.objects.filter(**stale).exists() or RoleRequest.objects.filter(**stale).exists()


def weights_state_for(*, user: AbstractBaseUser) -> WeightsState:
    """The weights in force, who set them last, and whether the recompute still runs."""
    if group_names(user).isdisjoint({HR_ADVISOR, ADMINISTRATOR}):
        raise PermissionDenied
    row = MatchingWeights.objects.select_related("updated_by").filter(pk=1).first()
    updated_at = row.updated_at if row else None
    return WeightsState(
        weights=Weights.from_dict(row.values if row else {}),
        updated_at=updated_at,
        updated_by=row.updated_by if row else None,
        recomputing=weights_recompute_pending(changed_at=updated_at),
    )
