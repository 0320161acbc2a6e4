"""Request bodies that a page's own form validates, so that the API accepts exactly what the
browser accepts and has no rule of its own.

A `FormSerializer` names the page's form and which form field each API field fills. Its
fields are made from the form's (type, whether required, length, range, choices), so the
OpenAPI document says what the form will take; `cleaned` then runs the form itself on the
body, and its cleaned data go to the same service the page calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from rest_framework import serializers

from config.api.fields import JsonTypesMixin
from config.api.problems import api_errors


def api_field(field: forms.Field, *, name: str, source: str) -> serializers.Field:
    """The API field `name` that takes what the form field `field` (named `source`) takes."""
    options: dict[str, Any] = {
        "required": field.required,
        "help_text": field.help_text or field.label,
    }
    if source != name:  # DRF refuses a `source` that repeats the name
        options["source"] = source
    if isinstance(field, forms.ChoiceField):
        coerce = getattr(field, "coerce", lambda value: value)
        choices = [(coerce(value), label) for value, label in field.choices if value != ""]
        return serializers.ChoiceField(choices=choices, **options)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            min_value=field.min_value,
            max_value=field.max_value,
            **options,
        )
    if isinstance(field, forms.DateField):
        return serializers.DateField(**options)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**options)
    if isinstance(field, forms.CharField):
        text = serializers.CharField
        if isinstance(field, forms.EmailField):
            text = serializers.EmailField
        return text(max_length=field.max_length, allow_blank=not field.required, **options)
    raise TypeError(f"No API field for a {type(field).__name__}: declare it on the serializer.")


class FormSerializer(JsonTypesMixin, serializers.Serializer):
    """A request body that the page's form `form` validates.

    `names` maps each API field name, in the order of the document, to the form field it
    fills. A field that refers to another object (a competency by its code) is declared on
    the serializer instead, with the form field's name as its `source`.
    """

    form: ClassVar[type[forms.Form]]
    names: ClassVar[dict[str, str]]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, source in self.names.items():
            if name not in fields:
                fields[name] = api_field(self.form.base_fields[source], name=name, source=source)
        return {name: fields[name] for name in self.names}

    def cleaned(self, *, current: Mapping[str, Any] | None = None, **form_kwargs) -> dict:
        """The form's cleaned data for this body, or a 400 that lists every invalid field.

        `current`: the values a PATCH leaves as they are, by form field name. `form_kwargs`
        go to the form as the page passes them.
        """
        self.is_valid(raise_exception=True)
        form = self.form({**(current or {}), **self.validated_data}, **form_kwargs)
        if not form.is_valid():
            raise serializers.ValidationError(api_errors(self, form.errors.as_data()))
        return form.cleaned_data
