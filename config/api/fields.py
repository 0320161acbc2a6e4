from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework import serializers


class UtcDateTimeField(serializers.DateTimeField):
    """A date-time given in UTC with a `Z` (the format is REST_FRAMEWORK's DATETIME_FORMAT).

    DRF would otherwise convert to the active time zone (Europe/Amsterdam).
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)


class UuidRelatedField(serializers.SlugRelatedField):
    """A reference to another object by its UUID, never by database id (API-53).

    Only objects the caller may see can be referred to: `visible_to(user=...)` is the
    selector that scopes them; any other UUID "does not exist".
    """

    def __init__(self, *, model: type[Model], visible_to: Callable[..., QuerySet], **kwargs):
        self.visible_to = visible_to
        kwargs.setdefault("slug_field", "uuid")
        kwargs["queryset"] = model.objects.none()  # the model, for the OpenAPI document
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.visible_to(user=self.context["request"].user)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except DjangoValidationError:  # a malformed UUID: to the caller it does not exist
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))


class CodeRelatedField(serializers.SlugRelatedField):
    """A catalogue entry by its code. A value that cannot be a code (a NUL character, which
    PostgreSQL refuses in text) "does not exist" rather than reaching the database."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)
