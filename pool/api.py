"""REST API for the pool: organisations and members, addressed by UUID (read-only).

Who sees what follows the browser: a group that sees no member or organisation there gets
403 for the list (config/api/permissions.py); an object the caller may not see answers 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.fields import UtcDateTimeField
from config.api.filters import Sort, sort_filterset, sort_parameter, sorted_by
from pool.access import ADMINISTRATOR, HR_ADVISOR, MANAGER, MEMBER
from pool.models import Member, MemberCompetency, Organisation
from pool.selectors import competencies_of, members_visible_to, organisations_visible_to

# A well-formed UUID only: anything else is a path that does not exist (404), not a 500.
UUID_REGEX = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


# --- Serializers ------------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    naam = serializers.CharField(source="name")
    soort = serializers.ChoiceField(source="kind", choices=Organisation.Kind.choices)
    cbsCode = serializers.CharField(source="cbs_code", allow_null=True)
    provincie = serializers.CharField(source="province")
    deeltMedewerkers = serializers.BooleanField(
        source="shares_members", help_text="Neemt deel aan het delen van medewerkers."
    )
    vrijgaveVereist = serializers.BooleanField(
        source="requires_release",
        help_text="Inzet wordt pas bevestigd na vrijgave door de leidinggevende.",
    )

    class Meta:
        model = Organisation
        fields = [
            "uuid",
            "naam",
            "soort",
            "cbsCode",
            "provincie",
            "deeltMedewerkers",
            "vrijgaveVereist",
        ]
        read_only_fields = fields


class MemberCompetencySerializer(serializers.ModelSerializer):
    competentie = serializers.CharField(source="competency.code", help_text="Code.")
    niveau = serializers.IntegerField(source="level", min_value=1, max_value=4)

    class Meta:
        model = MemberCompetency
        fields = ["competentie", "niveau"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    organisatie = serializers.UUIDField(source="organisation.uuid")
    personeelsnummer = serializers.CharField(source="personnel_number")
    voornaam = serializers.CharField(source="first_name")
    achternaam = serializers.CharField(source="last_name")
    email = serializers.CharField(help_text="E-mailadres; leeg als het onbekend is.")
    afdeling = serializers.CharField(source="unit")
    contractUrenPerWeek = serializers.DecimalField(
        source="contract_hours", max_digits=4, decimal_places=1
    )
    poolUrenPerWeek = serializers.DecimalField(source="pool_hours", max_digits=4, decimal_places=1)
    extern = serializers.BooleanField(source="is_external")
    deelbaar = serializers.BooleanField(
        source="shareable", help_text="Beschikbaar voor andere organisaties."
    )
    profielBevestigdOp = UtcDateTimeField(source="profile_confirmed_at", allow_null=True)
    competenties = MemberCompetencySerializer(source="competencies", many=True)

    class Meta:
        model = Member
        fields = [
            "uuid",
            "organisatie",
            "personeelsnummer",
            "voornaam",
            "achternaam",
            "email",
            "afdeling",
            "contractUrenPerWeek",
            "poolUrenPerWeek",
            "extern",
            "deelbaar",
            "profielBevestigdOp",
            "competenties",
        ]
        read_only_fields = fields


# --- Views ------------------------------------------------------------------------------


class OrganisationFilter(filters.FilterSet):
    cbsCode = filters.CharFilter(field_name="cbs_code")
    soort = filters.ChoiceFilter(field_name="kind", choices=Organisation.Kind.choices)
    sorteer = Sort(("name", "naam"), ("cbs_code", "cbsCode"), ("province", "provincie"))

    class Meta:
        model = Organisation
        fields: list[str] = []


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    # Line managers choose no organisation anywhere, nor does any page show them one.
    list_groups = (MEMBER, MANAGER, HR_ADVISOR, ADMINISTRATOR)
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX

    def get_queryset(self) -> QuerySet[Organisation]:
        return organisations_visible_to(user=self.request.user)


class MemberFilter(filters.FilterSet):
    organisatie = filters.UUIDFilter(field_name="organisation__uuid")
    personeelsnummer = filters.CharFilter(field_name="personnel_number")
    sorteer = Sort(
        ("last_name", "achternaam"),
        ("first_name", "voornaam"),
        ("personnel_number", "personeelsnummer"),
        ("pool_hours", "poolUrenPerWeek"),
    )

    class Meta:
        model = Member
        fields: list[str] = []


MemberCompetencySort = sort_filterset(
    MemberCompetency, ("competency__code", "competentie"), ("level", "niveau")
)


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    # A member's own profile, and the HR advisor's pool. Functional administrators keep
    # members in the admin, not through the API; nobody else sees member records.
    list_groups = (MEMBER, HR_ADVISOR)
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX

    def get_queryset(self) -> QuerySet[Member]:
        return members_visible_to(user=self.request.user)

    @extend_schema(
        responses={200: MemberCompetencySerializer(many=True)},
        filters=False,
        parameters=[sort_parameter(MemberCompetencySort)],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="competenties",
        filterset_class=None,
        serializer_class=MemberCompetencySerializer,
    )
    def competencies(self, request: Request, uuid=None) -> Response:
        """De competenties van de medewerker met hun niveau, op code."""
        # The member only: their competencies come paged and sorted below, not prefetched.
        member = get_object_or_404(self.get_queryset().prefetch_related(None), uuid=uuid)
        competencies = sorted_by(MemberCompetencySort, request, competencies_of(member=member))
        page = self.paginate_queryset(competencies)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
