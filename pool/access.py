"""The user groups of Rolpool and who belongs to which.

Group names are Dutch because functional administrators see them in the admin.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

HR_ADVISOR = "HR-adviseur"
MANAGER = "opdrachtgever"
MEMBER = "medewerker"
ADMINISTRATOR = "functioneel beheerder"
LINE_MANAGER = "leidinggevende"
ALL_GROUPS = (HR_ADVISOR, MANAGER, MEMBER, ADMINISTRATOR, LINE_MANAGER)

# Apps whose every model a functional administrator maintains in the admin.
ADMINISTERED_APPS = ("competencies", "pool", "assignments", "auth")


def group_names(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The user's group names, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_rolpool_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._rolpool_groups = cached
    return cached


def in_group(user: AbstractBaseUser | AnonymousUser, group: str) -> bool:
    return group in group_names(user)
