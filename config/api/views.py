"""What every API view that creates does alike: answer with the new object and its place."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response


def created(serializer: serializers.Serializer, request: Request, location: str) -> Response:
    """201 with the new object, and where it lives from now on."""
    return Response(
        serializer.data,
        status=status.HTTP_201_CREATED,
        headers={"Location": request.build_absolute_uri(location)},
    )
