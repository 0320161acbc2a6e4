"""REST API for the pool: organisations and members, addressed by UUID, and the parts of a
member's profile (competencies, learning goals, role experience, availability, leave).

Who sees what follows the browser: a group that sees no member or organisation there gets
403 for the list (config/api/permissions.py); an object the caller may not see answers 404.
A member changes their own profile as on Mijn profiel: through the page's forms and
services, so the API has no rule of its own and the same match recomputes follow.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from competencies.api import CODE_REGEX
from competencies.models import Competency, Role
from config.api.fields import CodeRelatedField, UtcDateTimeField
from config.api.filters import Sort, sort_filterset
from config.api.forms import FormSerializer
from config.api.permissions import require_group
from config.api.problems import service_errors
from config.api.views import (
    PRECONDITION_FAILED,
    VersionedRetrieveMixin,
    created,
    if_match,
    versioned,
)
from pool import services
from pool.access import ADMINISTRATOR, HR_ADVISOR, MANAGER, MEMBER
from pool.forms import (
    AvailabilityForm,
    CompetencyAddForm,
    CompetencyChangeForm,
    LearningGoalForm,
    LeaveForm,
    MemberDetailsForm,
    RoleExperienceForm,
)
from pool.models import (
    Availability,
    LearningGoal,
    Leave,
    Member,
    MemberCompetency,
    Organisation,
    RoleExperience,
)
from pool.selectors import (
    availability_periods_of,
    competencies_of,
    learning_goals_of,
    leave_periods_of,
    member_own,
    members_visible_to,
    organisations_visible_to,
    role_experience_of,
)

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
    onderbouwing = serializers.CharField(
        source="evidence", help_text="Kort voorbeeld waaruit dit niveau blijkt; kan leeg zijn."
    )

    class Meta:
        model = MemberCompetency
        fields = ["competentie", "niveau", "onderbouwing"]
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


class LearningGoalSerializer(serializers.ModelSerializer):
    competentie = serializers.CharField(source="competency.code", help_text="Code.")
    doelniveau = serializers.IntegerField(source="target_level", min_value=1, max_value=4)
    toelichting = serializers.CharField(source="note")
    aangemaakt = UtcDateTimeField(source="created_at")

    class Meta:
        model = LearningGoal
        fields = ["competentie", "doelniveau", "toelichting", "aangemaakt"]
        read_only_fields = fields


class RoleExperienceSerializer(serializers.ModelSerializer):
    rol = serializers.CharField(source="role.code", help_text="Code van de rol.")
    ervaring = serializers.ChoiceField(
        source="experience",
        choices=RoleExperience.Experience.choices,
        help_text="0 geen, 1 enige, 2 ruime, 3 zeer ruime ervaring.",
    )
    voorkeur = serializers.ChoiceField(
        source="preference",
        choices=RoleExperience.Preference.choices,
        help_text="0 liever niet, 1 neutraal, 2 graag.",
    )

    class Meta:
        model = RoleExperience
        fields = ["rol", "ervaring", "voorkeur"]
        read_only_fields = fields


class LeaveSerializer(serializers.ModelSerializer):
    startdatum = serializers.DateField(source="start")
    einddatum = serializers.DateField(source="end", help_text="Tot en met.")
    toelichting = serializers.CharField(source="note")

    class Meta:
        model = Leave
        fields = ["uuid", "startdatum", "einddatum", "toelichting"]
        read_only_fields = fields


class AvailabilitySerializer(LeaveSerializer):
    urenPerWeek = serializers.DecimalField(
        source="hours_per_week",
        max_digits=4,
        decimal_places=1,
        help_text="Uren per week voor de pool in deze periode, in plaats van poolUrenPerWeek.",
    )

    class Meta:
        model = Availability
        fields = ["uuid", "startdatum", "einddatum", "urenPerWeek", "toelichting"]
        read_only_fields = fields


# What a member changes about their profile: the page's forms decide what is valid.


class MemberUpdateSerializer(FormSerializer):
    """De gegevens die een medewerker zelf wijzigt."""

    form = MemberDetailsForm
    names = {
        "email": "email",
        "afdeling": "unit",
        "poolUrenPerWeek": "pool_hours",
        "deelbaar": "shareable",
    }


class CatalogueCompetencyMixin(serializers.Serializer):
    competentie = CodeRelatedField(
        source="competency",
        slug_field="code",
        queryset=Competency.objects.all(),
        help_text="Code van een competentie uit de catalogus.",
    )


class MemberCompetencyCreateSerializer(CatalogueCompetencyMixin, FormSerializer):
    """Een competentie uit de catalogus, met het niveau waarop de medewerker haar heeft."""

    form = CompetencyAddForm
    names = {"competentie": "competency", "niveau": "level", "onderbouwing": "evidence"}


class MemberCompetencyUpdateSerializer(FormSerializer):
    """Een ander niveau of een andere onderbouwing van een competentie."""

    form = CompetencyChangeForm
    names = {"niveau": "level", "onderbouwing": "evidence"}


class LearningGoalCreateSerializer(CatalogueCompetencyMixin, FormSerializer):
    """Een competentie om te ontwikkelen, tot een niveau boven het huidige."""

    form = LearningGoalForm
    names = {"competentie": "competency", "doelniveau": "target_level", "toelichting": "note"}


class RoleExperienceUpdateSerializer(FormSerializer):
    """Ervaring met en voorkeur voor een rol."""

    form = RoleExperienceForm
    names = {"ervaring": "experience", "voorkeur": "preference"}


class LeaveCreateSerializer(FormSerializer):
    """Een periode zonder poolwerk; verlofperioden overlappen niet."""

    form = LeaveForm
    names = {"startdatum": "start", "einddatum": "end", "toelichting": "note"}


class AvailabilityCreateSerializer(FormSerializer):
    """Een periode met andere uren per week voor de pool; perioden overlappen niet."""

    form = AvailabilityForm
    names = {
        "startdatum": "start",
        "einddatum": "end",
        "urenPerWeek": "hours_per_week",
        "toelichting": "note",
    }


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


class MemberViewSet(VersionedRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """Members as the pages show them: a member their own record, an HR advisor their pool.
    A member changes their own details and confirms their profile, as on Mijn profiel."""

    # A member's own profile, and the HR advisor's pool. Functional administrators keep
    # members in the admin, not through the API; nobody else sees member records.
    list_groups = (MEMBER, HR_ADVISOR)
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX

    def get_queryset(self) -> QuerySet[Member]:
        return members_visible_to(user=self.request.user)

    def _read(self, member: Member) -> Response:
        stored = self.get_queryset().get(pk=member.pk)
        return versioned(Response(self.get_serializer(stored).data), stored)

    @extend_schema(
        request=MemberUpdateSerializer,
        responses={200: MemberSerializer, 412: PRECONDITION_FAILED},
    )
    def partial_update(self, request: Request, uuid=None) -> Response:
        """Wijzig je eigen gegevens (alleen de medewerker zelf); wat niet wordt meegestuurd,
        blijft. Andere pooluren of delen laten je matches opnieuw berekenen. Met de ETag van
        een GET als If-Match wordt een wijziging geweigerd (412) als je gegevens intussen
        zijn gewijzigd."""
        member = changeable_member(request, uuid)
        data = MemberUpdateSerializer(data=request.data, partial=True)
        values = data.cleaned(current=MemberDetailsForm(member=member).initial, member=member)
        with service_errors(data):
            services.member_details_update(
                member=member, **{**values, "version": if_match(request)}
            )
        return self._read(member)

    @extend_schema(request=None, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"], url_path="bevestigen")
    def confirm(self, request: Request, uuid=None) -> Response:
        """Bevestig dat je profiel klopt (alleen de medewerker zelf)."""
        member = changeable_member(request, uuid)
        services.member_profile_confirm(member=member)
        return self._read(member)


def changeable_member(request: Request, uuid) -> Member:
    """The member record `uuid` for a change by the member themselves: 403 for anyone but a
    medewerker (the group of Mijn profiel) and for a member the caller sees but is not; 404
    for one they do not see."""
    require_group(request, MEMBER)
    return member_own(user=request.user, uuid=uuid)


# --- The parts of a member's profile: /medewerkers/{uuid}/... -------------------------------

# As the router's own path parameters are described: a string in the form of a UUID.
MEMBER_PARAMETER = OpenApiParameter(
    "uuid",
    str,
    OpenApiParameter.PATH,
    pattern=f"^{UUID_REGEX}$",
    description="UUID van de medewerker.",
)


@extend_schema(parameters=[MEMBER_PARAMETER])
class ProfilePartViewSet(viewsets.GenericViewSet):
    """A part of a member's profile as a sub-collection. As on Mijn profiel, only the member
    themselves reads and changes it; writes go through the page's form and service, so the
    same rules hold and the same match recomputes follow."""

    list_groups = (MEMBER,)  # Mijn profiel's; another group's list is refused whole (403)

    def member(self) -> Member:
        """The member whose part is read: the caller's own record."""
        return self.own_member()

    def own_member(self) -> Member:
        if not hasattr(self, "_own_member"):
            self._own_member = changeable_member(self.request, self.kwargs["uuid"])
        return self._own_member

    def list(self, request: Request, uuid=None) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, uuid=None, **kwargs) -> Response:
        return Response(self.get_serializer(self.get_object()).data)


class AddRemoveMixin:
    """POST to the collection adds, DELETE of an item removes, each through the page's form
    and service (`add`, `remove`); the new item is found at `<collection>/<key(item)>`."""

    add_serializer: type[FormSerializer]
    # What the page passes its form besides the data: the competency pickers' catalogue only
    # decides which choices render, so the API passes none (the form validates the code).
    form_kwargs: dict[str, Any] = {}

    def add(self, **values) -> Model:
        raise NotImplementedError

    def remove(self, item: Model) -> None:
        raise NotImplementedError

    def key(self, item: Model) -> str:
        raise NotImplementedError

    def create(self, request: Request, uuid=None) -> Response:
        member = self.own_member()
        data = self.add_serializer(data=request.data)
        values = data.cleaned(**self.form_kwargs)
        with service_errors(data):
            item = self.add(member=member, **values)
        return created(self.get_serializer(item), request, f"{request.path}/{self.key(item)}")

    def destroy(self, request: Request, uuid=None, **kwargs) -> Response:
        self.own_member()
        self.remove(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def adds_with(serializer: type[FormSerializer], added: str, removed: str):
    """The OpenAPI description of an AddRemoveMixin viewset's POST and DELETE."""
    return extend_schema_view(
        create=extend_schema(request=serializer, description=added),
        destroy=extend_schema(description=removed),
    )


@adds_with(
    MemberCompetencyCreateSerializer,
    "Voeg een competentie aan je profiel toe; je matches worden opnieuw berekend.",
    "Haal de competentie uit je profiel; je matches worden opnieuw berekend.",
)
class MemberCompetencyViewSet(AddRemoveMixin, ProfilePartViewSet):
    """The member's competencies with their level, by competency code. Whoever sees the
    member reads them (an HR advisor their pool's); only the member changes them."""

    list_groups = (MEMBER, HR_ADVISOR)  # Mijn profiel, and the candidate lists of HR
    queryset = MemberCompetency.objects.none()  # the model, for the OpenAPI document
    serializer_class = MemberCompetencySerializer
    filterset_class = sort_filterset(
        MemberCompetency, ("competency__code", "competentie"), ("level", "niveau")
    )
    lookup_field = "competency__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = CODE_REGEX
    add_serializer = MemberCompetencyCreateSerializer
    form_kwargs = {"catalogue": []}

    def member(self) -> Member:
        return get_object_or_404(
            members_visible_to(user=self.request.user).prefetch_related(None),
            uuid=self.kwargs["uuid"],
        )

    def get_queryset(self) -> QuerySet[MemberCompetency]:
        return competencies_of(member=self.member())

    def add(self, **values) -> MemberCompetency:
        return services.member_competency_add(**values)

    def remove(self, item: MemberCompetency) -> None:
        services.member_competency_remove(member_competency=item)

    def key(self, item: MemberCompetency) -> str:
        return item.competency.code

    @extend_schema(request=MemberCompetencyUpdateSerializer)
    def partial_update(self, request: Request, uuid=None, code=None) -> Response:
        """Wijzig het niveau of de onderbouwing; wat niet wordt meegestuurd, blijft. Je
        matches worden opnieuw berekend."""
        self.own_member()
        item = self.get_object()
        data = MemberCompetencyUpdateSerializer(data=request.data, partial=True)
        values = data.cleaned(current={"level": item.level, "evidence": item.evidence})
        with service_errors(data):
            services.member_competency_update(member_competency=item, **values)
        return Response(self.get_serializer(item).data)


@adds_with(
    LearningGoalCreateSerializer,
    "Een competentie die je wilt ontwikkelen, tot boven je huidige niveau.",
    "Haal het leerdoel weg.",
)
class LearningGoalViewSet(AddRemoveMixin, ProfilePartViewSet):
    """The member's learning goals, by competency code: added and removed, as on the page."""

    queryset = LearningGoal.objects.none()  # the model, for the OpenAPI document
    serializer_class = LearningGoalSerializer
    filterset_class = sort_filterset(
        LearningGoal, ("competency__code", "competentie"), ("target_level", "doelniveau")
    )
    lookup_field = "competency__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = CODE_REGEX
    add_serializer = LearningGoalCreateSerializer
    form_kwargs = {"catalogue": []}

    def get_queryset(self) -> QuerySet[LearningGoal]:
        return learning_goals_of(member=self.member())

    def add(self, **values) -> LearningGoal:
        return services.learning_goal_add(**values)

    def remove(self, item: LearningGoal) -> None:
        services.learning_goal_remove(learning_goal=item)

    def key(self, item: LearningGoal) -> str:
        return item.competency.code


class RoleExperienceViewSet(ProfilePartViewSet):
    """The member's experience with and preference for each role, by role code. A role
    without a row is not filled in; "geen ervaring" is a row of its own."""

    queryset = RoleExperience.objects.none()  # the model, for the OpenAPI document
    serializer_class = RoleExperienceSerializer
    filterset_class = sort_filterset(
        RoleExperience,
        ("role__code", "rol"),
        ("experience", "ervaring"),
        ("preference", "voorkeur"),
    )
    lookup_field = "role__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = CODE_REGEX

    def get_queryset(self) -> QuerySet[RoleExperience]:
        return role_experience_of(member=self.member())

    @extend_schema(
        request=RoleExperienceUpdateSerializer,
        responses={200: RoleExperienceSerializer, 201: RoleExperienceSerializer},
    )
    def update(self, request: Request, uuid=None, code=None) -> Response:
        """Leg je ervaring met en voorkeur voor deze rol vast (201 de eerste keer); je
        matches worden opnieuw berekend."""
        member = self.own_member()
        role = get_object_or_404(Role.objects.all(), code=code)
        data = RoleExperienceUpdateSerializer(data=request.data)
        values = data.cleaned()
        is_new = not self.get_queryset().filter(role=role).exists()
        with service_errors(data):
            (row,) = services.member_role_experience_set(
                member=member, entries=[services.RoleExperienceEntry(role, **values)]
            )
        if is_new:
            return created(self.get_serializer(row), request, request.path)
        return Response(self.get_serializer(row).data)


class PeriodViewSet(AddRemoveMixin, ProfilePartViewSet):
    lookup_field = "uuid"
    lookup_url_kwarg = "periode"
    lookup_value_regex = UUID_REGEX

    def key(self, item: Leave | Availability) -> str:
        return str(item.uuid)


@adds_with(
    LeaveCreateSerializer,
    "Voeg verlof toe: een periode zonder poolwerk; je matches worden opnieuw berekend.",
    "Haal het verlof weg; je matches worden opnieuw berekend.",
)
class LeaveViewSet(PeriodViewSet):
    """The member's leave: periods without pool work, added and removed as on the page."""

    queryset = Leave.objects.none()  # the model, for the OpenAPI document
    serializer_class = LeaveSerializer
    filterset_class = sort_filterset(Leave, ("start", "startdatum"), ("end", "einddatum"))
    add_serializer = LeaveCreateSerializer

    def get_queryset(self) -> QuerySet[Leave]:
        return leave_periods_of(member=self.member())

    def add(self, **values) -> Leave:
        return services.leave_add(**values)

    def remove(self, item: Leave) -> None:
        services.leave_remove(leave=item)


@adds_with(
    AvailabilityCreateSerializer,
    "Geef voor een periode andere uren per week voor de pool op; je matches worden opnieuw "
    "berekend.",
    "Haal de periode weg; je matches worden opnieuw berekend.",
)
class AvailabilityViewSet(PeriodViewSet):
    """The member's availability: periods with other hours for the pool than usual."""

    queryset = Availability.objects.none()  # the model, for the OpenAPI document
    serializer_class = AvailabilitySerializer
    filterset_class = sort_filterset(
        Availability,
        ("start", "startdatum"),
        ("end", "einddatum"),
        ("hours_per_week", "urenPerWeek"),
    )
    add_serializer = AvailabilityCreateSerializer

    def get_queryset(self) -> QuerySet[Availability]:
        return availability_periods_of(member=self.member())

    def add(self, **values) -> Availability:
        return services.availability_add(**values)

    def remove(self, item: Availability) -> None:
        services.availability_remove(availability=item)
