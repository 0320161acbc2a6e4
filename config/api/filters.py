"""Ordering for every collection: `?sorteer=veld` or `?sorteer=-veld` (descending), several
separated by commas, with the API's own (camelCase) field names. Ties are broken by the
database order of creation, so that pages do not overlap."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import BaseCSVField
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter

SORT_PARAM = "sorteer"


class Sort(filters.OrderingFilter):
    def __init__(self, *fields: tuple[str, str]) -> None:
        super().__init__(
            fields=fields,
            help_text="Sorteer op een of meer velden, gescheiden door komma's; "
            "met een minteken ervoor aflopend.",
        )

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "pk")


def sort_filterset(model_class, *fields: tuple[str, str]) -> type[filters.FilterSet]:
    """A filter set with nothing but the ordering, for sub-collections."""
    meta = type("Meta", (), {"model": model_class, "fields": []})
    return type(
        f"{model_class.__name__}SortFilter",
        (filters.FilterSet,),
        {SORT_PARAM: Sort(*fields), "Meta": meta},
    )


def sorted_by(filterset: type[filters.FilterSet], request, queryset):
    """`queryset` in the order `?sorteer=` asks, for a sub-collection (a view action whose
    own queryset is of another model, so that the filter backend does not apply)."""
    bound = filterset(request.query_params, queryset=queryset, request=request)
    if not bound.is_valid():
        raise translate_validation(bound.errors)
    return bound.qs


def sort_parameter(filterset: type[filters.FilterSet]) -> OpenApiParameter:
    """The `sorteer` parameter of a sub-collection in the OpenAPI document, as the filter
    backend describes it for collections."""
    choices = [value for value, _label in filterset.base_filters[SORT_PARAM].extra["choices"]]
    return OpenApiParameter(
        SORT_PARAM,
        {"type": "array", "items": {"type": "string", "enum": choices}},
        explode=False,
        description=filterset.base_filters[SORT_PARAM].extra["help_text"],
    )


def _refusal(field: forms.Field, raw: str) -> ValidationError | None:
    """Why a query value the document does not allow is refused, where django-filter would
    take it as "no filter": empty where a date, UUID, number, choice or yes/no is asked for
    (plain text and lists may be empty), or a yes/no other than true or false."""
    if raw == "" and not (type(field) is forms.CharField or isinstance(field, BaseCSVField)):
        return ValidationError(_("Geef een waarde op."), code="required")
    if isinstance(field, forms.NullBooleanField) and raw not in ("true", "false"):
        return ValidationError(_("Geef true of false op."), code="invalid")
    return None


class FilterBackend(filters.DjangoFilterBackend):
    """Filters as django-filter applies them, except that a value the OpenAPI document does
    not allow is refused (400) rather than ignored: `?startdatumVanaf=` or `?actief=ja` is a
    mistake, not a wish for everything."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        filterset.is_valid()  # cleans the form, so that errors can be added to it
        for name, field in filterset.form.fields.items():
            refusals = (_refusal(field, raw) for raw in request.query_params.getlist(name))
            if (refusal := next(filter(None, refusals), None)) is not None:
                filterset.form.add_error(name, refusal)
        if filterset.errors:
            raise translate_validation(filterset.errors)
        return filterset.qs
