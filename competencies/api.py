"""REST API for the catalogues: competencies and roles, addressed by their code.

Catalogues are readable by every authenticated user, as in the browser.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from competencies.models import Competency, CompetencyGroup, Role
from config.api.filters import Sort

CODE_REGEX = r"[-a-zA-Z0-9_]+"
CATALOGUE_SORT = (
    ("code", "code"),
    ("name_nl", "naamNl"),
    ("name_en", "naamEn"),
    ("order", "volgorde"),
)


class CatalogueEntrySerializer(serializers.ModelSerializer):
    naamNl = serializers.CharField(source="name_nl", read_only=True)
    naamEn = serializers.CharField(source="name_en", read_only=True)
    omschrijvingNl = serializers.CharField(source="description_nl", read_only=True)
    omschrijvingEn = serializers.CharField(source="description_en", read_only=True)
    volgorde = serializers.IntegerField(source="order", read_only=True)
    actief = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        fields = [
            "code",
            "naamNl",
            "naamEn",
            "omschrijvingNl",
            "omschrijvingEn",
            "volgorde",
            "actief",
        ]
        read_only_fields = fields


class CompetencyGroupSerializer(CatalogueEntrySerializer):
    class Meta(CatalogueEntrySerializer.Meta):
        model = CompetencyGroup


class CompetencySerializer(CatalogueEntrySerializer):
    groep = CompetencyGroupSerializer(source="group", read_only=True)
    escoUri = serializers.URLField(source="esco_uri", read_only=True, allow_null=True)

    class Meta(CatalogueEntrySerializer.Meta):
        model = Competency
        fields = [*CatalogueEntrySerializer.Meta.fields, "groep", "escoUri"]
        read_only_fields = fields


class RoleSerializer(CatalogueEntrySerializer):
    kernrol = serializers.BooleanField(source="is_core", read_only=True)
    optioneel = serializers.BooleanField(source="is_optional", read_only=True)

    class Meta(CatalogueEntrySerializer.Meta):
        model = Role
        fields = [*CatalogueEntrySerializer.Meta.fields, "kernrol", "optioneel"]
        read_only_fields = fields


class CompetencyFilter(filters.FilterSet):
    groep = filters.CharFilter(field_name="group__code", help_text="Code van de groep.")
    actief = filters.BooleanFilter(field_name="is_active")
    sorteer = Sort(*CATALOGUE_SORT)

    class Meta:
        model = Competency
        fields: list[str] = []


class RoleFilter(filters.FilterSet):
    kernrol = filters.BooleanFilter(field_name="is_core")
    actief = filters.BooleanFilter(field_name="is_active")
    sorteer = Sort(*CATALOGUE_SORT)

    class Meta:
        model = Role
        fields: list[str] = []


class CompetencyViewSet(viewsets.ReadOnlyModelViewSet):
    """The competency catalogue, group by group."""

    list_groups = None  # everyone
    serializer_class = CompetencySerializer
    filterset_class = CompetencyFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    queryset = Competency.objects.select_related("group").order_by(
        "group__order", "group__name_nl", "order", "name_nl", "pk"
    )


class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    """The role catalogue, core roles first."""

    list_groups = None  # everyone
    serializer_class = RoleSerializer
    filterset_class = RoleFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    queryset = Role.objects.order_by("-is_core", "order", "name_nl", "pk")
