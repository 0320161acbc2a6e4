"""Writes for the pool: accounts and groups, members and their profiles."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from pool.access import ADMINISTERED_APPS, ADMINISTRATOR, ALL_GROUPS


@transaction.atomic
def groups_ensure() -> None:
    """Create the user groups; functional administrators may change every catalogue model."""
    for name in ALL_GROUPS:
        Group.objects.get_or_create(name=name)
    administrator = Group.objects.get(name=ADMINISTRATOR)
    administrator.permissions.set(
        Permission.objects.filter(content_type__app_label__in=ADMINISTERED_APPS)
    )
