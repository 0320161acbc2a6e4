"""REST API for opgaven, rolvragen, inzet and matches, addressed by UUID.

Reads go through the same selectors as the pages, writes through the same services
(`opgave_create`, `role_request_create`, the inzet steps), so the API has no rule of its
own and triggers the same match recomputes. An object the caller may not see answers
404; a step the rules refuse answers 409 with the service's message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assignments.autostaff_selectors import (
    AutostaffSelection,
    autostaff_requests,
)
from assignments.hr_selectors import role_requests_for_advisor, stored_score
from assignments.matching.explain import names_for, read
from assignments.matching.services import autostaff_compute
from assignments.models import (
    Assignment,
    Match,
    Opgave,
    Release,
    RoleRequest,
    RoleRequestCompetency,
)
from assignments.release_selectors import release_for
from assignments.selectors import (
    assignments_visible_to,
    candidates_of,
    matches_visible_to,
    opgave_owned,
    opgaven_visible_to,
    organisations_for_new_opgave,
    own_assignments,
    role_requests_visible_to,
    staffed_assignments,
)
from assignments.services import (
    CompetencyNeed,
    OpgaveError,
    StaffingError,
    assignment_accept,
    assignment_confirm,
    assignment_decline,
    assignment_propose,
    assignment_withdraw,
    opgave_cancel,
    opgave_complete,
    opgave_copy,
    opgave_create,
    opgave_open,
    opgave_update,
    release_approve,
    release_refuse,
    role_request_create,
    role_request_remove,
    role_request_update,
)
from competencies.models import Competency, Role
from config.api.fields import (
    CodeRelatedField,
    JsonTypesMixin,
    PartialUpdateMixin,
    UtcDateTimeField,
    UuidRelatedField,
)
from config.api.filters import Sort, sort_filterset, sort_parameter, sorted_by
from config.api.permissions import require_group
from config.api.problems import Conflict, service_errors
from config.api.views import (
    PRECONDITION_FAILED,
    VersionedRetrieveMixin,
    created,
    if_match,
    versioned,
)
from pool.access import HR_ADVISOR, LINE_MANAGER, MANAGER, MEMBER
from pool.api import UUID_REGEX
from pool.models import Member, Organisation
from pool.selectors import members_in_pool_of


@contextmanager
def refusals_as_conflict() -> Iterator[None]:
    """A step the rules refuse is a state conflict: 409 with the service's message."""
    try:
        yield
    except (StaffingError, OpgaveError) as refused:
        raise Conflict(str(refused)) from refused


def _name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


# --- Serializers ------------------------------------------------------------------------


class PeriodSerializer(JsonTypesMixin, serializers.Serializer):
    """Checks that `einddatum` is not before `startdatum`. On a PATCH, a date that is not
    sent is the one the object (`instance`) has."""

    def validate(self, attrs: dict) -> dict:
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"einddatum": _("De einddatum ligt voor de startdatum.")}, code="order"
            )
        return attrs

    def with_current(self, instance, **current) -> dict:
        """The validated values over the instance's own (or those given in `current`): what
        a service that takes every field (`opgave_update`, `role_request_update`) needs for
        a PATCH."""
        for field in self.fields.values():
            current.setdefault(field.source, getattr(instance, field.source, None))
        return {**current, **self.validated_data}


class OpgaveSerializer(serializers.ModelSerializer):
    titel = serializers.CharField(source="title")
    omschrijving = serializers.CharField(source="description")
    organisatie = serializers.UUIDField(source="organisation.uuid")
    opdrachtgever = serializers.SerializerMethodField(help_text="Naam van de opdrachtgever.")
    startdatum = serializers.DateField(source="start")
    einddatum = serializers.DateField(source="end", help_text="Tot en met.")
    voorspelbaarheid = serializers.ChoiceField(
        source="predictability", choices=Opgave.Predictability.choices
    )
    complexiteit = serializers.ChoiceField(source="complexity", choices=Opgave.Complexity.choices)
    sturingsaccent = serializers.ChoiceField(source="governance", choices=Opgave.Governance.choices)
    status = serializers.ChoiceField(choices=Opgave.Status.choices)
    maatwerk = serializers.BooleanField(
        source="is_maatwerk", help_text="Onvoorspelbaar of complex: werk voor de pool."
    )
    aantalRolvragen = serializers.IntegerField(source="request_count")
    aantalOpenRolvragen = serializers.IntegerField(source="open_request_count")
    aangemaakt = UtcDateTimeField(source="created_at")
    gewijzigd = UtcDateTimeField(source="updated_at")

    class Meta:
        model = Opgave
        fields = [
            "uuid",
            "titel",
            "omschrijving",
            "organisatie",
            "opdrachtgever",
            "startdatum",
            "einddatum",
            "voorspelbaarheid",
            "complexiteit",
            "sturingsaccent",
            "status",
            "maatwerk",
            "aantalRolvragen",
            "aantalOpenRolvragen",
            "aangemaakt",
            "gewijzigd",
        ]
        read_only_fields = fields

    def get_opdrachtgever(self, opgave: Opgave) -> str:
        return _name(opgave.owner)


class OpgaveCreateSerializer(PeriodSerializer):
    """The shape of a new opgave; `opgave_create` decides whether it may be made."""

    titel = serializers.CharField(source="title", max_length=200)
    omschrijving = serializers.CharField(source="description", required=False, allow_blank=True)
    organisatie = UuidRelatedField(
        source="organisation",
        model=Organisation,
        visible_to=organisations_for_new_opgave,
        help_text="UUID van een gemeente of ander overheidsorgaan.",
    )
    startdatum = serializers.DateField(source="start")
    einddatum = serializers.DateField(source="end", help_text="Tot en met.")
    voorspelbaarheid = serializers.ChoiceField(
        source="predictability", choices=Opgave.Predictability.choices
    )
    complexiteit = serializers.ChoiceField(source="complexity", choices=Opgave.Complexity.choices)
    sturingsaccent = serializers.ChoiceField(
        source="governance", choices=Opgave.Governance.choices, required=False
    )


class OpgaveUpdateSerializer(OpgaveCreateSerializer):
    """A PATCH of an opgave: the fields sent change, the others stay; `opgave_update`
    decides. The opgave may keep its own organisation, as in the browser's form."""

    def __init__(self, opgave: Opgave | None = None, **kwargs) -> None:
        super().__init__(opgave, partial=True, **kwargs)
        self.fields["organisatie"].visible_to = partial(organisations_for_new_opgave, keep=opgave)


class CopySerializer(JsonTypesMixin, serializers.Serializer):
    startdatum = serializers.DateField(
        source="start",
        required=False,
        help_text="Begin van de kopie; alle data schuiven even ver mee. Zonder: dezelfde data.",
    )


class CompetencyNeedSerializer(JsonTypesMixin, serializers.ModelSerializer):
    competentie = CodeRelatedField(
        source="competency", slug_field="code", queryset=Competency.objects.all()
    )
    minimumniveau = serializers.IntegerField(source="min_level", min_value=1, max_value=4)
    vereist = serializers.BooleanField(
        source="required", default=True, help_text="Vereist weegt zwaarder dan gewenst."
    )

    class Meta:
        model = RoleRequestCompetency
        fields = ["competentie", "minimumniveau", "vereist"]


class RoleRequestSerializer(serializers.ModelSerializer):
    opgave = serializers.UUIDField(source="opgave.uuid")
    rol = serializers.CharField(source="role.code", help_text="Code van de rol.")
    urenPerWeek = serializers.DecimalField(source="hours_per_week", max_digits=4, decimal_places=1)
    startdatum = serializers.DateField(source="start")
    einddatum = serializers.DateField(source="end", help_text="Tot en met.")
    aantalPersonen = serializers.IntegerField(source="people")
    ontwikkelruimte = serializers.BooleanField(
        source="open_to_development",
        help_text="Iemand die de competenties nog ontwikkelt, mag deze rol als leerkans pakken.",
    )
    toelichting = serializers.CharField(source="notes")
    status = serializers.ChoiceField(choices=RoleRequest.Status.choices)
    competenties = CompetencyNeedSerializer(source="competency_needs", many=True)
    matchesWordenBerekend = serializers.SerializerMethodField(
        help_text="De matches worden op dit moment opnieuw berekend."
    )
    aangemaakt = UtcDateTimeField(source="created_at")
    gewijzigd = UtcDateTimeField(source="updated_at")

    class Meta:
        model = RoleRequest
        fields = [
            "uuid",
            "opgave",
            "rol",
            "urenPerWeek",
            "startdatum",
            "einddatum",
            "aantalPersonen",
            "ontwikkelruimte",
            "toelichting",
            "status",
            "competenties",
            "matchesWordenBerekend",
            "aangemaakt",
            "gewijzigd",
        ]
        read_only_fields = fields

    def get_matchesWordenBerekend(self, role_request: RoleRequest) -> bool:  # noqa: N802
        return role_request.matches_stale_since is not None


class RoleRequestCreateSerializer(PeriodSerializer):
    """The shape of a new role request; `role_request_create` decides."""

    opgave = UuidRelatedField(
        model=Opgave, visible_to=opgaven_visible_to, help_text="UUID van een eigen opgave."
    )
    rol = CodeRelatedField(
        source="role", slug_field="code", queryset=Role.objects.all(), help_text="Code."
    )
    urenPerWeek = serializers.DecimalField(
        source="hours_per_week",
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal(60),
    )
    startdatum = serializers.DateField(source="start")
    einddatum = serializers.DateField(source="end", help_text="Tot en met.")
    aantalPersonen = serializers.IntegerField(source="people", min_value=1, max_value=50, default=1)
    ontwikkelruimte = serializers.BooleanField(source="open_to_development", default=False)
    toelichting = serializers.CharField(source="notes", required=False, allow_blank=True)
    competenties = CompetencyNeedSerializer(source="needs", many=True, required=False)


class RoleRequestUpdateSerializer(PartialUpdateMixin, RoleRequestCreateSerializer):
    """A PATCH of a role request; `competenties`, when sent, replaces the list.
    `role_request_update` decides (once someone is confirmed: only more people or a later
    end)."""

    opgave = None  # a role request stays on its opgave

    def __init__(self, role_request: RoleRequest | None = None, **kwargs) -> None:
        super().__init__(role_request, partial=True, **kwargs)

    def with_current(self, instance: RoleRequest, **current) -> dict:
        if "needs" in self.validated_data:
            return {
                **super().with_current(instance),
                "needs": competency_needs(self.validated_data["needs"]),
            }
        needs = [
            CompetencyNeed(n.competency_id, n.min_level, n.required)
            for n in instance.competency_needs.all()
        ]
        return super().with_current(instance, needs=needs)


def competency_needs(needs: Iterable[dict]) -> list[CompetencyNeed]:
    """Validated `competenties` as the services take them. On a PATCH DRF fills in no
    defaults, so `vereist` may be missing: vereist is what it defaults to."""
    return [
        CompetencyNeed(
            competency_id=need["competency"].pk,
            min_level=need["min_level"],
            required=need.get("required", True),
        )
        for need in needs
    ]


RELEASE_NOT_REQUIRED = "not_required"


class ReleaseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(RELEASE_NOT_REQUIRED, _("niet nodig")), *Release.Decision.choices],
        help_text="not_required: niet nodig; pending: gevraagd; approved: gegeven; "
        "refused: geweigerd.",
    )
    gevraagdOp = UtcDateTimeField(allow_null=True)
    besluitDoor = serializers.CharField(
        allow_null=True, help_text="Naam van de leidinggevende die besloot."
    )
    besluitOp = UtcDateTimeField(allow_null=True)
    reden = serializers.CharField(help_text="Waarom niet vrijgegeven; anders leeg.")


class AssignmentSerializer(serializers.ModelSerializer):
    rolvraag = serializers.UUIDField(source="role_request.uuid")
    opgave = serializers.UUIDField(source="role_request.opgave.uuid")
    rol = serializers.CharField(source="role_request.role.code")
    medewerker = serializers.UUIDField(source="member.uuid")
    urenPerWeek = serializers.DecimalField(source="hours_per_week", max_digits=4, decimal_places=1)
    startdatum = serializers.DateField(source="start")
    einddatum = serializers.DateField(source="end", help_text="Tot en met.")
    status = serializers.ChoiceField(source="state", choices=Assignment.State.choices)
    score = serializers.FloatField(allow_null=True, help_text="Matchscore bij het voorstel.")
    vrijgave = serializers.SerializerMethodField(
        help_text="Of de leidinggevende van de medewerker de uren moet vrijgeven, en hoe dat "
        "is besloten (door wie, wanneer)."
    )
    aangemaakt = UtcDateTimeField(source="created_at")
    gewijzigd = UtcDateTimeField(source="updated_at")

    class Meta:
        model = Assignment
        fields = [
            "uuid",
            "rolvraag",
            "opgave",
            "rol",
            "medewerker",
            "urenPerWeek",
            "startdatum",
            "einddatum",
            "status",
            "score",
            "vrijgave",
            "aangemaakt",
            "gewijzigd",
        ]
        read_only_fields = fields

    @extend_schema_field(ReleaseSerializer)
    def get_vrijgave(self, assignment: Assignment) -> dict:
        """Needs `release__decided_by` selected with the inzet (the selectors do)."""
        try:
            release = assignment.release
        except Release.DoesNotExist:
            return ReleaseSerializer(
                {
                    "status": RELEASE_NOT_REQUIRED,
                    "gevraagdOp": None,
                    "besluitDoor": None,
                    "besluitOp": None,
                    "reden": "",
                }
            ).data
        return ReleaseSerializer(
            {
                "status": release.decision,
                "gevraagdOp": release.requested_at,
                "besluitDoor": release.decided_by and _name(release.decided_by),
                "besluitOp": release.decided_at,
                "reden": release.reason,
            }
        ).data


class ProposeSerializer(JsonTypesMixin, serializers.Serializer):
    """HR proposes a member on a role request; `assignment_propose` decides."""

    rolvraag = UuidRelatedField(
        source="role_request",
        model=RoleRequest,
        visible_to=role_requests_for_advisor,
        help_text="UUID van een rolvraag van een organisatie die de HR-adviseur bedient.",
    )
    medewerker = UuidRelatedField(
        source="member",
        model=Member,
        visible_to=members_in_pool_of,
        help_text="UUID van een medewerker uit de pool van de HR-adviseur.",
    )


class ReasonSerializer(JsonTypesMixin, serializers.Serializer):
    reden = serializers.CharField(max_length=2000, help_text="Waarom; de medewerker leest dit.")


class OptionalReasonSerializer(serializers.Serializer):
    reden = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Waarom (niet verplicht)."
    )


class MatchPartSerializer(serializers.Serializer):
    onderdeel = serializers.CharField()
    waarde = serializers.FloatField(help_text="0–1.")
    gewicht = serializers.FloatField()


class MatchSerializer(serializers.ModelSerializer):
    rolvraag = serializers.UUIDField(source="role_request.uuid")
    medewerker = serializers.UUIDField(source="member.uuid")
    naam = serializers.CharField(source="member.full_name")
    score = serializers.FloatField(help_text="0–100.")
    toelichting = serializers.SerializerMethodField(
        help_text="De uitleg in woorden, in de taal van Accept-Language."
    )
    onderdelen = serializers.SerializerMethodField()
    berekendOp = UtcDateTimeField(source="computed_at")

    class Meta:
        model = Match
        fields = [
            "rolvraag",
            "medewerker",
            "naam",
            "score",
            "toelichting",
            "onderdelen",
            "berekendOp",
        ]
        read_only_fields = fields

    def get_toelichting(self, match: Match) -> str:
        competencies, roles = self.context["names"]
        return read(match.explanation, competencies, roles).summary

    @extend_schema_field(MatchPartSerializer(many=True))
    def get_onderdelen(self, match: Match) -> list[dict]:
        return [
            {"onderdeel": name, "waarde": part["value"], "gewicht": part["weight"]}
            for name, part in match.explanation.get("parts", {}).items()
        ]


class ProposalSerializer(serializers.Serializer):
    rolvraag = serializers.UUIDField()
    medewerker = serializers.UUIDField()
    naam = serializers.CharField(help_text="Naam van de medewerker.")
    score = serializers.FloatField(help_text="0–100.")
    toelichting = serializers.CharField(help_text="Waarom deze medewerker, in woorden.")


class AutostaffSerializer(serializers.Serializer):
    voorstellen = ProposalSerializer(many=True)
    totaleScore = serializers.FloatField(help_text="Som van de scores van de voorstellen.")
    totaleScorePerRolvraag = serializers.FloatField(
        help_text="Som van de scores als per rolvraag de beste vrije kandidaat gekozen wordt."
    )
    plaatsenBezet = serializers.IntegerField()
    optimaal = serializers.BooleanField(help_text="Bewezen de best mogelijke verdeling.")


# --- Filters ----------------------------------------------------------------------------


class OpgaveFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Opgave.Status.choices)
    organisatie = filters.UUIDFilter(field_name="organisation__uuid")
    startdatumVanaf = filters.DateFilter(field_name="start", lookup_expr="gte")
    startdatumTotEnMet = filters.DateFilter(field_name="start", lookup_expr="lte")
    einddatumVanaf = filters.DateFilter(field_name="end", lookup_expr="gte")
    sorteer = Sort(
        ("title", "titel"),
        ("start", "startdatum"),
        ("end", "einddatum"),
        ("status", "status"),
        ("created_at", "aangemaakt"),
    )

    class Meta:
        model = Opgave
        fields: list[str] = []


class RoleRequestFilter(filters.FilterSet):
    opgave = filters.UUIDFilter(field_name="opgave__uuid")
    rol = filters.CharFilter(field_name="role__code")
    status = filters.ChoiceFilter(choices=RoleRequest.Status.choices)
    startdatumVanaf = filters.DateFilter(field_name="start", lookup_expr="gte")
    startdatumTotEnMet = filters.DateFilter(field_name="start", lookup_expr="lte")
    sorteer = Sort(
        ("start", "startdatum"),
        ("end", "einddatum"),
        ("hours_per_week", "urenPerWeek"),
        ("status", "status"),
        ("created_at", "aangemaakt"),
    )

    class Meta:
        model = RoleRequest
        fields: list[str] = []


class AssignmentFilter(filters.FilterSet):
    status = filters.ChoiceFilter(field_name="state", choices=Assignment.State.choices)
    medewerker = filters.UUIDFilter(field_name="member__uuid")
    rolvraag = filters.UUIDFilter(field_name="role_request__uuid")
    opgave = filters.UUIDFilter(field_name="role_request__opgave__uuid")
    startdatumVanaf = filters.DateFilter(field_name="start", lookup_expr="gte")
    sorteer = Sort(
        ("start", "startdatum"),
        ("end", "einddatum"),
        ("state", "status"),
        ("score", "score"),
        ("created_at", "aangemaakt"),
    )

    class Meta:
        model = Assignment
        fields: list[str] = []


MATCH_SORT = (("score", "score"), ("computed_at", "berekendOp"))


class MatchFilter(filters.FilterSet):
    rolvraag = filters.UUIDFilter(field_name="role_request__uuid")
    medewerker = filters.UUIDFilter(field_name="member__uuid")
    sorteer = Sort(*MATCH_SORT)

    class Meta:
        model = Match
        fields: list[str] = []


MATCH_ORDER = sort_filterset(Match, *MATCH_SORT)


# --- Views ------------------------------------------------------------------------------

# The API answers while the caller waits: the solver gets less time than a background run.
API_SOLVER_SECONDS = 5.0
CONFLICT = OpenApiResponse(description="De regels staan deze stap nu niet toe (problem+json).")


def _valid(serializer_class: type[serializers.Serializer], data, *args, **kwargs) -> dict:
    serializer = serializer_class(*args, data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class OpgaveViewSet(VersionedRetrieveMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Opgaven: managers see and create their own; HR advisors see those of the
    organisations they serve."""

    list_groups = (MANAGER, HR_ADVISOR)  # as Mijn opgaven and the opgave pages
    serializer_class = OpgaveSerializer
    filterset_class = OpgaveFilter
    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX

    def get_queryset(self) -> QuerySet[Opgave]:
        return opgaven_visible_to(user=self.request.user)

    @extend_schema(request=OpgaveCreateSerializer, responses={201: OpgaveSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        require_group(request, MANAGER)
        data = OpgaveCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with service_errors(data), refusals_as_conflict():
            opgave = opgave_create(by=request.user, **data.validated_data)
        opgave = self.get_queryset().get(pk=opgave.pk)  # with the list's annotations
        return created(self.get_serializer(opgave), request, f"{request.path}/{opgave.uuid}")

    @extend_schema(request=None, responses={200: OpgaveSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="openen")
    def open(self, request: Request, uuid=None) -> Response:
        """Stel een concept open voor bezetting: vanaf nu worden de rolvragen gematcht."""
        require_group(request, MANAGER)
        opgave = self.get_object()
        with refusals_as_conflict():
            opgave_open(opgave=opgave, by=request.user)
        return self._read(opgave)

    def _read(self, opgave: Opgave) -> Response:
        """The opgave as stored now, with the list's annotations and its version."""
        stored = self.get_queryset().get(pk=opgave.pk)
        return versioned(Response(self.get_serializer(stored).data), stored)

    def _own(self, request: Request, uuid) -> Opgave:
        """An opgave the caller is the opdrachtgever of (the only ones they may change):
        403 for anyone but an opdrachtgever, 404 for someone else's opgave."""
        require_group(request, MANAGER)
        return opgave_owned(user=request.user, uuid=uuid)

    @extend_schema(
        request=OpgaveUpdateSerializer,
        responses={200: OpgaveSerializer, 409: CONFLICT, 412: PRECONDITION_FAILED},
    )
    def partial_update(self, request: Request, uuid=None) -> Response:
        """Wijzig de gegevens van een eigen opgave; wat niet wordt meegestuurd, blijft.
        Een nieuwe periode laat de matches van de rolvragen opnieuw berekenen. Met de ETag
        van een GET als If-Match wordt een wijziging geweigerd (412) als de opgave intussen
        door iemand anders is gewijzigd."""
        opgave = self._own(request, uuid)
        data = OpgaveUpdateSerializer(
            opgave, data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        with service_errors(data), refusals_as_conflict():
            opgave_update(
                opgave=opgave,
                by=request.user,
                version=if_match(request),
                **data.with_current(opgave),
            )
        return self._read(opgave)

    def _close(self, request: Request, uuid, close) -> Response:
        opgave = self._own(request, uuid)  # 404 before 400: nothing to learn by probing
        reason = _valid(ReasonSerializer, request.data)["reden"]
        with refusals_as_conflict():
            close(opgave=opgave, by=request.user, reason=reason)
        return self._read(opgave)

    @extend_schema(request=ReasonSerializer, responses={200: OpgaveSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="afronden")
    def complete(self, request: Request, uuid=None) -> Response:
        """Rond de opgave af: bevestigde inzet is klaar, andere inzet wordt ingetrokken."""
        return self._close(request, uuid, opgave_complete)

    @extend_schema(request=ReasonSerializer, responses={200: OpgaveSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="annuleren")
    def cancel(self, request: Request, uuid=None) -> Response:
        """Annuleer de opgave: alle inzet erop wordt ingetrokken."""
        return self._close(request, uuid, opgave_cancel)

    @extend_schema(request=CopySerializer, responses={201: OpgaveSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="kopieren")
    def copy(self, request: Request, uuid=None) -> Response:
        """Een nieuw concept zoals deze opgave, met haar rolvragen en hun competenties;
        niemand is erop ingezet."""
        opgave = self._own(request, uuid)
        data = CopySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors(data), refusals_as_conflict():
            copy = opgave_copy(opgave=opgave, by=request.user, **data.validated_data)
        copy = self.get_queryset().get(pk=copy.pk)
        return created(
            self.get_serializer(copy), request, reverse("opgave-detail", args=[copy.uuid])
        )

    @extend_schema(request=None, responses={200: AutostaffSerializer})
    @action(detail=True, methods=["post"], url_path="automatisch-bezetten")
    def autostaff(self, request: Request, uuid=None) -> Response:
        """Wie de open rolvragen van deze opgave samen het best bezetten, zonder iemand te
        overboeken (HR). Maakt niets aan: voorstellen doet HR daarna per inzet."""
        require_group(request, HR_ADVISOR)
        opgave = get_object_or_404(self.get_queryset(), uuid=uuid)
        today = timezone.localdate()
        requests = autostaff_requests(
            user=request.user, today=today, selection=AutostaffSelection(opgave=opgave.uuid)
        )
        proposals, totals = [], {"optimal": 0.0, "greedy": 0.0, "filled": 0, "proved": True}
        if requests.exists():
            outcome = autostaff_compute(
                requests=requests,
                members=members_in_pool_of(user=request.user),
                today=today,
                time_limit=API_SOLVER_SECONDS,
            )
            proposals = outcome.proposals
            totals = {
                "optimal": outcome.optimal.objective,
                "greedy": outcome.greedy.objective,
                "filled": outcome.optimal.filled,
                "proved": bool(outcome.optimal.optimal),
            }
        members = Member.objects.in_bulk([p.member_id for p in proposals])
        role_requests = RoleRequest.objects.only("uuid").in_bulk(
            [p.role_request_id for p in proposals]
        )
        competencies, roles = names_for([p.explanation for p in proposals])
        body = {
            "voorstellen": [
                {
                    "rolvraag": role_requests[p.role_request_id].uuid,
                    "medewerker": members[p.member_id].uuid,
                    "naam": members[p.member_id].full_name,
                    "score": round(p.score, 2),
                    "toelichting": read(p.explanation, competencies, roles).summary,
                }
                for p in sorted(proposals, key=lambda p: (p.role_request_id, -p.score))
            ],
            "totaleScore": round(totals["optimal"], 2),
            "totaleScorePerRolvraag": round(totals["greedy"], 2),
            "plaatsenBezet": totals["filled"],
            "optimaal": totals["proved"],
        }
        return Response(AutostaffSerializer(body).data)


class RoleRequestViewSet(
    VersionedRetrieveMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Rolvragen of the opgaven the caller sees; managers add them to their own opgaven."""

    list_groups = (MANAGER, HR_ADVISOR)  # on the opgave pages and the Bezetting board
    serializer_class = RoleRequestSerializer
    filterset_class = RoleRequestFilter
    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX

    def get_queryset(self) -> QuerySet[RoleRequest]:
        return role_requests_visible_to(user=self.request.user)

    @extend_schema(request=RoleRequestCreateSerializer, responses={201: RoleRequestSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        require_group(request, MANAGER)
        data = RoleRequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["needs"] = competency_needs(values.pop("needs", []))
        with service_errors(data), refusals_as_conflict():
            role_request = role_request_create(by=request.user, **values)
        role_request = self.get_queryset().get(pk=role_request.pk)
        return created(
            self.get_serializer(role_request), request, f"{request.path}/{role_request.uuid}"
        )

    def _own(self, request: Request, uuid) -> RoleRequest:
        """A role request on an opgave the caller is the opdrachtgever of: 403 for anyone
        but an opdrachtgever, 404 for any other request."""
        require_group(request, MANAGER)
        role_request = get_object_or_404(self.get_queryset(), uuid=uuid)
        opgave_owned(user=request.user, uuid=role_request.opgave.uuid)
        return role_request

    @extend_schema(
        request=RoleRequestUpdateSerializer,
        responses={200: RoleRequestSerializer, 409: CONFLICT, 412: PRECONDITION_FAILED},
    )
    def partial_update(self, request: Request, uuid=None) -> Response:
        """Wijzig een rolvraag van een eigen opgave; wat niet wordt meegestuurd, blijft.
        Is er al iemand op bevestigd, dan kunnen alleen meer personen of een latere
        einddatum. De matches worden opnieuw berekend. Met de ETag van een GET als
        If-Match wordt een wijziging van een intussen gewijzigde rolvraag geweigerd (412)."""
        role_request = self._own(request, uuid)
        data = RoleRequestUpdateSerializer(
            role_request, data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        with service_errors(data), refusals_as_conflict():
            role_request_update(
                role_request=role_request,
                by=request.user,
                version=if_match(request),
                **data.with_current(role_request),
            )
        stored = self.get_queryset().get(pk=role_request.pk)
        return versioned(Response(self.get_serializer(stored).data), stored)

    @extend_schema(
        parameters=[OptionalReasonSerializer],
        responses={
            204: OpenApiResponse(description="Verwijderd: er was nog nooit inzet op."),
            200: OpenApiResponse(
                RoleRequestSerializer,
                description="Ingetrokken: er was inzet op, die is ook ingetrokken.",
            ),
            409: CONFLICT,
        },
    )
    def destroy(self, request: Request, uuid=None) -> Response:
        """Verwijder een rolvraag waarop nog niemand is bevestigd. Had ze nooit inzet, dan
        verdwijnt ze (204); anders wordt ze ingetrokken, met de voorstellen en
        geaccepteerde inzet erop, zodat de geschiedenis blijft (200)."""
        role_request = self._own(request, uuid)
        reason = _valid(OptionalReasonSerializer, request.query_params).get("reden", "")
        with refusals_as_conflict():
            kept = role_request_remove(role_request=role_request, by=request.user, reason=reason)
        if kept is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.get_serializer(self.get_queryset().get(pk=kept.pk)).data)

    @extend_schema(
        responses={200: MatchSerializer(many=True)},
        filters=False,
        parameters=[sort_parameter(MATCH_ORDER)],
    )
    @action(detail=True, methods=["get"], url_path="matches", filterset_class=None)
    def matches(self, request: Request, uuid=None) -> Response:
        """De best passende medewerkers voor deze rolvraag, hoogste score eerst (HR)."""
        require_group(request, HR_ADVISOR)
        role_request = get_object_or_404(self.get_queryset(), uuid=uuid)
        return match_page(
            self, sorted_by(MATCH_ORDER, request, candidates_of(role_request=role_request))
        )


def match_page(view: viewsets.GenericViewSet, queryset: QuerySet[Match]) -> Response:
    """A page of matches, their explanations in words (two queries for all names)."""
    page = view.paginate_queryset(queryset)
    context = {
        **view.get_serializer_context(),
        "names": names_for([match.explanation for match in page]),
    }
    return view.get_paginated_response(MatchSerializer(page, many=True, context=context).data)


class MatchViewSet(viewsets.GenericViewSet):
    """Matches as the pages show them: to HR advisors the best candidates of the requests of
    the organisations they serve, to members their own best open requests."""

    list_groups = (HR_ADVISOR, MEMBER)  # the candidate list and Kansen
    serializer_class = MatchSerializer
    filterset_class = MatchFilter

    def get_queryset(self) -> QuerySet[Match]:
        return matches_visible_to(user=self.request.user, today=timezone.localdate())

    def list(self, request: Request) -> Response:
        return match_page(self, self.filter_queryset(self.get_queryset()))


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Inzet, with its steps as POST sub-resources (API-10). The member accepts or
    declines a proposal; the HR advisor confirms or withdraws."""

    # Voorstellen and Mijn inzet, the team on the opgave page, Bezetting and Vrijgaven.
    list_groups = (MEMBER, MANAGER, HR_ADVISOR, LINE_MANAGER)
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX

    def get_queryset(self) -> QuerySet[Assignment]:
        return assignments_visible_to(user=self.request.user)

    def _step(self, request: Request, uuid, queryset: QuerySet[Assignment], step) -> Response:
        assignment = get_object_or_404(queryset, uuid=uuid)
        with refusals_as_conflict():
            step(assignment)
        return Response(self.get_serializer(queryset.get(pk=assignment.pk)).data)

    def _reason(self, request: Request) -> str:
        return _valid(ReasonSerializer, request.data)["reden"]

    @extend_schema(request=ProposeSerializer, responses={201: AssignmentSerializer, 409: CONFLICT})
    def create(self, request: Request) -> Response:
        """HR stelt een medewerker voor op een rolvraag, met de opgeslagen matchscore; de
        medewerker accepteert of wijst af."""
        require_group(request, HR_ADVISOR)
        data = _valid(ProposeSerializer, request.data, context=self.get_serializer_context())
        role_request, member = data["role_request"], data["member"]
        with refusals_as_conflict():
            assignment = assignment_propose(
                role_request=role_request,
                member=member,
                by=request.user,
                score=stored_score(role_request=role_request, member=member),
            )
        return created(
            self.get_serializer(self.get_queryset().get(pk=assignment.pk)),
            request,
            f"{request.path}/{assignment.uuid}",
        )

    def _decide(self, request: Request, uuid, decide) -> Response:
        """A release decision by the member's line manager; 404 for anyone else's."""
        with refusals_as_conflict():
            decide(release_for(user=request.user, uuid=uuid).assignment)
        return Response(
            self.get_serializer(release_for(user=request.user, uuid=uuid).assignment).data
        )

    @extend_schema(request=None, responses={200: AssignmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="vrijgeven")
    def release(self, request: Request, uuid=None) -> Response:
        """De leidinggevende geeft de uren van de medewerker vrij; HR kan dan bevestigen."""
        require_group(request, LINE_MANAGER)
        return self._decide(request, uuid, lambda a: release_approve(assignment=a, by=request.user))

    @extend_schema(request=ReasonSerializer, responses={200: AssignmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="niet-vrijgeven")
    def refuse_release(self, request: Request, uuid=None) -> Response:
        """De leidinggevende houdt de uren, met een reden; de inzet wordt ingetrokken."""
        require_group(request, LINE_MANAGER)
        release_for(user=request.user, uuid=uuid)  # 404 before 400
        reason = self._reason(request)
        return self._decide(
            request,
            uuid,
            lambda a: release_refuse(assignment=a, by=request.user, reason=reason),
        )

    @extend_schema(request=None, responses={200: AssignmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="accepteren")
    def accept(self, request: Request, uuid=None) -> Response:
        """De medewerker accepteert het voorstel; de uren moeten passen."""
        require_group(request, MEMBER)
        return self._step(
            request,
            uuid,
            own_assignments(user=request.user),
            lambda a: assignment_accept(assignment=a, by=request.user),
        )

    @extend_schema(request=ReasonSerializer, responses={200: AssignmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="afwijzen")
    def decline(self, request: Request, uuid=None) -> Response:
        """De medewerker wijst het voorstel af, met een reden."""
        require_group(request, MEMBER)
        queryset = own_assignments(user=request.user)
        get_object_or_404(queryset, uuid=uuid)  # 404 before 400: nothing to learn by probing
        reason = self._reason(request)
        return self._step(
            request,
            uuid,
            queryset,
            lambda a: assignment_decline(assignment=a, by=request.user, reason=reason),
        )

    @extend_schema(request=None, responses={200: AssignmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="bevestigen")
    def confirm(self, request: Request, uuid=None) -> Response:
        """HR bevestigt geaccepteerde inzet; overboeking wordt geweigerd (409)."""
        require_group(request, HR_ADVISOR)
        return self._step(
            request,
            uuid,
            staffed_assignments(user=request.user),
            lambda a: assignment_confirm(assignment=a, by=request.user),
        )

    @extend_schema(request=ReasonSerializer, responses={200: AssignmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="intrekken")
    def withdraw(self, request: Request, uuid=None) -> Response:
        """HR trekt de inzet in, met een reden."""
        require_group(request, HR_ADVISOR)
        queryset = staffed_assignments(user=request.user)
        get_object_or_404(queryset, uuid=uuid)
        reason = self._reason(request)
        return self._step(
            request,
            uuid,
            queryset,
            lambda a: assignment_withdraw(assignment=a, by=request.user, reason=reason),
        )
