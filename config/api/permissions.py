"""Who may call which part of the API, by user group, as the pages' `group_required` decides.

Two levels, as on the pages: a group with no business with a collection is refused the
whole collection (403), and within a collection the selectors decide which objects a user
sees; any other object answers 404, so that an id tells a caller nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from pool.access import group_names

if TYPE_CHECKING:  # DRF's views import this module through DEFAULT_PERMISSION_CLASSES
    from rest_framework.request import Request
    from rest_framework.views import APIView


def require_group(request: Request, *groups: str) -> None:
    """As the pages' `group_required`: 403 for a user in none of the groups."""
    if group_names(request.user).isdisjoint(groups):
        raise PermissionDenied


class GroupsMayList(BasePermission):
    """A collection is listed only to the groups that see it in the browser: the view's
    `list_groups`, or every authenticated user where that is None (the catalogues). Every
    view with a list must say which; one that forgets fails with an AttributeError. Anyone
    else gets 403 rather than an empty page, which would say that there is nothing where
    the truth is that they may not look (issue 7).

    Only the list is refused here. One object is the selector's to answer (404 for an
    object the caller may not see, whichever group they are in, so that probing ids tells
    nothing), and every write checks its own group with `require_group`.
    """

    message = _("Jouw gebruikersgroep heeft geen toegang tot deze lijst.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        if getattr(view, "action", None) != "list":
            return True
        groups = view.list_groups
        return groups is None or not group_names(request.user).isdisjoint(groups)
