"""Writes for opgaven, role requests, inzet and matching configuration."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from assignments.matching.core import Weights
from assignments.matching.services import RECOMPUTE_REQUEST_TASK
from assignments.models import MatchingWeights, RoleRequest
from config.celery import enqueue
from pool.models import Member

REBUILD_TASK = "assignments.rebuild_matches"


def role_request_matches_invalidate(*, role_request_ids: list[int]) -> None:
    """Mark role requests' matches stale and ask for a recompute after commit."""
    RoleRequest.objects.filter(pk__in=role_request_ids).update(matches_stale_since=timezone.now())
    for role_request_id in role_request_ids:
        transaction.on_commit(
            partial(enqueue, RECOMPUTE_REQUEST_TASK, role_request_id=role_request_id)
        )


def matches_invalidate_all() -> None:
    """Everything is stale (weights or catalogue changed): one full rebuild after commit."""
    now = timezone.now()
    Member.objects.update(matches_stale_since=now)
    RoleRequest.objects.filter(status=RoleRequest.Status.OPEN).update(matches_stale_since=now)
    transaction.on_commit(partial(enqueue, REBUILD_TASK))


@transaction.atomic
def matching_weights_update(*, values: dict[str, float], by: AbstractBaseUser) -> Weights:
    """Store new weights (validated by the core) and have every match recomputed."""
    weights = Weights.from_dict(values)
    MatchingWeights.objects.update_or_create(
        pk=1, defaults={"values": weights.as_dict(), "updated_by": by}
    )
    matches_invalidate_all()
    return weights
