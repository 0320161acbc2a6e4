"""What API views do alike: answer a creation with the new object and its place; give an
object's version as ETag and take it back through If-Match (config/concurrency)."""

from __future__ import annotations

from django.db import models
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from config.concurrency import version_of

PRECONDITION_FAILED = OpenApiResponse(
    description=(
        "Het object is gewijzigd sinds de versie die If-Match noemt (de ETag van een eerdere "
        "GET); haal het opnieuw op (problem+json)."
    )
)


def created(serializer: serializers.Serializer, request: Request, location: str) -> Response:
    """201 with the new object, and where it lives from now on."""
    return Response(
        serializer.data,
        status=status.HTTP_201_CREATED,
        headers={"Location": request.build_absolute_uri(location)},
    )


def versioned(response: Response, instance: models.Model) -> Response:
    """The response about `instance`, with its version as ETag."""
    response["ETag"] = f'"{version_of(instance)}"'
    return response


def if_match(request: Request) -> str:
    """The version that the request's If-Match header names; '' for none or "*"."""
    tag = request.headers.get("If-Match", "").strip()
    return "" if tag == "*" else tag.removeprefix("W/").strip('"')


class VersionedRetrieveMixin:
    """A detail GET that gives the object's version as ETag, for a later If-Match."""

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        return versioned(Response(self.get_serializer(instance).data), instance)
