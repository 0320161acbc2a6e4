"""REST API for the pool: organisations and members, addressed by UUID (read-only).

Who sees what follows the browser; an object the caller may not see answers 404.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from config.api.fields import UtcDateTimeField
from pool.access import ADMINISTRATOR, HR_ADVISOR, MANAGER, MEMBER, group_names
from pool.models import Member, MemberCompetency, Organisation

UUID_REGEX = r"[0-9a-fA-F-]{36}"


# --- Visibility -------------------------------------------------------------------------
# These belong in pool/selectors.py (another engineer is editing it now); they move there
# when that work has landed, and the pages will use them too.


def organisations_visible_to(*, user: AbstractBaseUser) -> QuerySet[Organisation]:
    """Functional administrators see every organisation, and so do managers (they choose
    one when creating an opgave); HR advisors the organisations they serve; members their
    own."""
    groups = group_names(user)
    if groups & {ADMINISTRATOR, MANAGER}:
        return Organisation.objects.order_by("name", "pk")
    visible = Q(pk__in=[])
    if HR_ADVISOR in groups:
        visible |= Q(pk__in=Organisation.objects.filter(hr_advisors=user).values("pk"))
    if MEMBER in groups:
        visible |= Q(pk__in=Member.objects.filter(user=user).values("organisation_id"))
    return Organisation.objects.filter(visible).order_by("name", "pk")


def members_visible_to(*, user: AbstractBaseUser) -> QuerySet[Member]:
    """Members see their own record; HR advisors the members of the organisations they
    serve. Subqueries rather than joins, so that no row comes back twice."""
    groups = group_names(user)
    visible = Q(pk__in=[])
    if MEMBER in groups:
        visible |= Q(user=user)
    if HR_ADVISOR in groups:
        visible |= Q(organisation__in=Organisation.objects.filter(hr_advisors=user).values("pk"))
    return (
        Member.objects.filter(visible)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "competencies",
                queryset=MemberCompetency.objects.select_related("competency").order_by(
                    "competency__code"
                ),
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


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

    class Meta:
        model = Organisation
        fields: list[str] = []


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX

    def get_queryset(self) -> QuerySet[Organisation]:
        return organisations_visible_to(user=self.request.user)


class MemberFilter(filters.FilterSet):
    organisatie = filters.UUIDFilter(field_name="organisation__uuid")
    personeelsnummer = filters.CharFilter(field_name="personnel_number")

    class Meta:
        model = Member
        fields: list[str] = []


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX

    def get_queryset(self) -> QuerySet[Member]:
        return members_visible_to(user=self.request.user)
