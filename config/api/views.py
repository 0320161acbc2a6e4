"""What every API view does alike: refuse a group as the pages do, answer a creation."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from pool.access import group_names


def require_group(request: Request, *groups: str) -> None:
    """As the pages' `group_required`: 403 for a user in none of the groups."""
    if group_names(request.user).isdisjoint(groups):
        raise PermissionDenied


def created(serializer: serializers.Serializer, request: Request, location: str) -> Response:
    """201 with the new object, and where it lives from now on."""
    return Response(
        serializer.data,
        status=status.HTTP_201_CREATED,
        headers={"Location": request.build_absolute_uri(location)},
    )
