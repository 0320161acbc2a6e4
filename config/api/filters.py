"""Ordering for every collection: `?sorteer=veld` or `?sorteer=-veld` (descending), several
separated by commas, with the API's own (camelCase) field names. Ties are broken by the
database order of creation, so that pages do not overlap."""

from __future__ import annotations

from django_filters import rest_framework as filters
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
