from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import empty


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


# --- JSON types --------------------------------------------------------------------------

TEXT_FIELDS = (
    serializers.CharField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.UUIDField,
    serializers.RelatedField,
)


def json_type(field: serializers.Field) -> str | None:
    """The JSON type the OpenAPI document gives `field` (None: any)."""
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        return "array"
    if isinstance(field, serializers.BaseSerializer):
        return "object"
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.ChoiceField):
        keys = list(field.choices)
        return "integer" if keys and all(type(key) is int for key in keys) else "string"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        return "number"
    if isinstance(field, TEXT_FIELDS):
        return "string"
    return None


def _fits(value: object, expected: str) -> bool:
    if isinstance(value, bool):  # a bool is an int to Python, not to JSON
        return expected == "boolean"
    match expected:
        case "boolean":
            return False
        case "integer":
            return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        case "number":
            return isinstance(value, int | float)
        case "string":
            return isinstance(value, str)
        case "array":
            return isinstance(value, list)
        case "object":
            return isinstance(value, Mapping)
    return True


class JsonTypesMixin:
    """A request body whose every field must have the JSON type the OpenAPI document gives
    it. DRF on its own is lenient (a number for a text, "8" for a number, "ja" or 1 for a
    boolean): an integrator's mistake would pass silently, and the document would not be
    the contract. Every wrongly typed field is reported, together with the other errors."""

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)  # DRF refuses it as a whole
        wrong = {}
        for name, field in self.fields.items():
            expected = json_type(field)
            value = data.get(name)
            if field.read_only or expected is None or value is None or _fits(value, expected):
                continue
            message = _("Verwacht een waarde van het JSON-type %(type)s.") % {"type": expected}
            wrong[name] = [serializers.ErrorDetail(message, code="invalid_type")]
        try:
            value = super().to_internal_value({k: v for k, v in data.items() if k not in wrong})
        except serializers.ValidationError as error:
            raise serializers.ValidationError({**error.detail, **wrong}) from error
        if wrong:
            raise serializers.ValidationError(wrong)
        return value


class PartialUpdateMixin:
    """A PATCH body: what is not sent stays as it is, so no field has a default. DRF fills
    in none on a partial update anyway; this keeps the OpenAPI document from advertising
    defaults that a PATCH does not apply."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            field.default = empty
        return fields
