"""Writes for the pool: accounts and groups, members and their profiles."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from config.celery import enqueue
from pool.access import ADMINISTERED_APPS, ADMINISTRATOR, ALL_GROUPS
from pool.models import Member


@transaction.atomic
def groups_ensure() -> None:
    """Create the user groups; functional administrators may change every catalogue model."""
    for name in ALL_GROUPS:
        Group.objects.get_or_create(name=name)
    administrator = Group.objects.get(name=ADMINISTRATOR)
    administrator.permissions.set(
        Permission.objects.filter(content_type__app_label__in=ADMINISTERED_APPS)
    )


# The matching tasks live in the assignments app, which depends on this one; they are
# addressed by name so that the pool does not import them.
RECOMPUTE_MEMBER_TASK = "assignments.recompute_member_matches"


def member_matches_invalidate(*, member_ids: list[int]) -> None:
    """Mark members' matches stale and ask for a recompute once the transaction commits.

    The stale mark is written in the same transaction as the change, so a lost task
    (broker down, worker killed) is caught up by the sweep.
    """
    Member.objects.filter(pk__in=member_ids).update(matches_stale_since=timezone.now())
    for member_id in member_ids:
        transaction.on_commit(partial(enqueue, RECOMPUTE_MEMBER_TASK, member_id=member_id))
