"""Reads for opgaven and staffing, scoped to what the asking user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.http import Http404
from django.utils.translation import gettext as _

from assignments.matching.adapter import open_role_requests
from assignments.models import (
    ACTIVE_STATES,
    Assignment,
    AssignmentState,
    Match,
    Opgave,
    OpgaveLogEntry,
    RoleRequest,
    RoleRequestCompetency,
)
from assignments.services import FIXING_STATES, OPGAVE_ORGANISATION_KINDS
from competencies.models import Competency, Role
from pool.access import HR_ADVISOR, LINE_MANAGER, MANAGER, MEMBER, group_names
from pool.models import Organisation


def competency_needs() -> Prefetch:
    """Prefetch of a role request's competency needs with their competencies."""
    return Prefetch(
        "competency_needs", queryset=RoleRequestCompetency.objects.select_related("competency")
    )


class SubqueryCount(Subquery):
    """How many rows a correlated queryset has, as a scalar subquery (0 when none).

    Unlike `Count` over a join, it needs no GROUP BY of the outer query: PostgreSQL then
    evaluates it only for the rows it returns (after a sort's LIMIT), and `count()` of the
    outer query skips it.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def assignments_counted(*, states: list[str] | tuple[str, ...]) -> SubqueryCount:
    """The number of a role request's assignments in these states, for `annotate`."""
    return SubqueryCount(
        Assignment.objects.filter(role_request=OuterRef("pk"), state__in=states)
        .order_by()
        .values("pk")
    )


def _visible(user: AbstractBaseUser) -> Q:
    groups = group_names(user)
    visible = Q(pk__in=[])
    if MANAGER in groups:
        visible |= Q(owner=user)
    if HR_ADVISOR in groups:
        visible |= Q(organisation__hr_advisors=user)
    return visible


def opgaven_visible_to(*, user: AbstractBaseUser) -> QuerySet[Opgave]:
    """Managers see their own opgaven; HR advisors those of the organisations they serve."""
    return (
        Opgave.objects.filter(_visible(user))
        .distinct()
        .select_related("organisation", "owner")
        .annotate(
            request_count=Count("role_requests", distinct=True),
            open_request_count=Count(
                "role_requests",
                filter=Q(role_requests__status=RoleRequest.Status.OPEN),
                distinct=True,
            ),
        )
        .order_by("-created_at")
    )


def open_role_requests_for_advisor(*, user: AbstractBaseUser) -> QuerySet[RoleRequest]:
    """Open role requests on active opgaven of the organisations the advisor serves."""
    if HR_ADVISOR not in group_names(user):
        return RoleRequest.objects.none()
    return (
        RoleRequest.objects.filter(
            status=RoleRequest.Status.OPEN,
            opgave__status__in=[Opgave.Status.OPEN, Opgave.Status.IN_PROGRESS],
            opgave__organisation__hr_advisors=user,
        )
        .select_related("role", "opgave__organisation")
        .annotate(staffed=assignments_counted(states=Assignment.BOOKED_STATES))
        .order_by("start", "pk")
    )


# --------------------------------------------------------------------------------------
# The manager's opgaven: the list, one opgave with its role requests, and the choices
# the forms offer.
# --------------------------------------------------------------------------------------


def opgaven_filtered(
    *,
    user: AbstractBaseUser,
    status: str = "",
    organisation_id: int | None = None,
    search: str = "",
) -> QuerySet[Opgave]:
    """The opgaven the user may see, narrowed by status, organisation and a search text."""
    opgaven = opgaven_visible_to(user=user)
    if status:
        opgaven = opgaven.filter(status=status)
    if organisation_id:
        opgaven = opgaven.filter(organisation_id=organisation_id)
    search = search.strip()
    if search:
        opgaven = opgaven.filter(Q(title__icontains=search) | Q(description__icontains=search))
    return opgaven


def organisations_of_visible_opgaven(*, user: AbstractBaseUser) -> QuerySet[Organisation]:
    """The organisations the user's visible opgaven belong to: the list's filter choices."""
    return Organisation.objects.filter(
        pk__in=Opgave.objects.filter(_visible(user)).values("organisation_id")
    ).order_by("name")


def organisations_for_new_opgave(
    *, user: AbstractBaseUser, keep: Opgave | None = None
) -> QuerySet[Organisation]:
    """The organisations a manager may create an opgave for (see OPGAVE_ORGANISATION_KINDS:
    for now every municipality and other public body), plus that of `keep`, so that an
    opgave being edited keeps its own."""
    if MANAGER not in group_names(user):
        return Organisation.objects.none()
    allowed = Q(kind__in=OPGAVE_ORGANISATION_KINDS)
    if keep is not None:
        allowed |= Q(pk=keep.organisation_id)
    return Organisation.objects.filter(allowed).order_by("name")


def opgave_visible(*, user: AbstractBaseUser, uuid: UUID) -> Opgave:
    """One opgave the user may see (404 otherwise), without the list's counts."""
    try:
        return (
            Opgave.objects.filter(_visible(user))
            .distinct()
            .select_related("organisation", "owner")
            .get(uuid=uuid)
        )
    except Opgave.DoesNotExist:
        raise Http404 from None


def opgave_owned(*, user: AbstractBaseUser, uuid: UUID) -> Opgave:
    """One opgave the user is the opdrachtgever of: the only ones they may change (404)."""
    if MANAGER not in group_names(user):
        raise Http404
    try:
        return Opgave.objects.select_related("organisation", "owner").get(uuid=uuid, owner=user)
    except Opgave.DoesNotExist:
        raise Http404 from None


def role_requests_of(*, opgave: Opgave) -> QuerySet[RoleRequest]:
    """The opgave's role requests with how far each is staffed, its competency needs and
    the people confirmed on it; withdrawn requests last."""

    def in_state(*states: str) -> Count:
        return Count("assignments", filter=Q(assignments__state__in=states))

    on_it = (AssignmentState.CONFIRMED, AssignmentState.COMPLETED)
    return (
        RoleRequest.objects.filter(opgave=opgave)
        .select_related("role")
        .annotate(
            proposed_count=in_state(AssignmentState.PROPOSED),
            accepted_count=in_state(AssignmentState.ACCEPTED),
            confirmed_count=in_state(*on_it),
            open_places=Greatest(
                F("people") - in_state(*ACTIVE_STATES, AssignmentState.COMPLETED), Value(0)
            ),
            withdrawn_last=Case(
                When(status=RoleRequest.Status.WITHDRAWN, then=Value(1)), default=Value(0)
            ),
        )
        .prefetch_related(
            competency_needs(),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(state__in=on_it)
                .select_related("member")
                .order_by("member__last_name", "member__first_name"),
                to_attr="people_on_it",
            ),
        )
        .order_by("withdrawn_last", "role__order", "start", "pk")
    )


def role_request_of(*, opgave: Opgave, uuid: UUID) -> RoleRequest:
    """One role request of the opgave (404 otherwise), with its competency needs."""
    try:
        return (
            RoleRequest.objects.select_related("role")
            .prefetch_related("competency_needs__competency")
            .get(opgave=opgave, uuid=uuid)
        )
    except RoleRequest.DoesNotExist:
        raise Http404 from None


def role_request_is_fixed(*, role_request: RoleRequest) -> bool:
    """Whether someone is confirmed on the request, so that only people or a later end
    may still change (the service enforces it; forms use this to offer only those)."""
    return Assignment.objects.filter(role_request=role_request, state__in=FIXING_STATES).exists()


def opgave_history(*, opgave: Opgave) -> QuerySet[OpgaveLogEntry]:
    """Every change to the opgave, newest first, with who made it."""
    return OpgaveLogEntry.objects.filter(opgave=opgave).select_related("actor")


def core_roles() -> list[Role]:
    return list(Role.objects.filter(is_core=True, is_active=True).order_by("order", "name_nl"))


def role_choices() -> list[tuple[int, str]]:
    """Active roles for a select: the core roles first, as the catalogue orders them."""
    roles = Role.objects.filter(is_active=True).order_by("-is_core", "order", "name_nl")
    return [(role.pk, role.name) for role in roles]


def competency_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active competencies for a select, grouped by their competency group."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    competencies = (
        Competency.objects.filter(is_active=True)
        .select_related("group")
        .order_by("group__order", "group__name_nl", "order", "name_nl")
    )
    for competency in competencies:
        grouped.setdefault(competency.group.name, []).append((competency.pk, competency.name))
    return list(grouped.items())


# The core roles a maatwerk opgave must not lack (codes from the seeded catalogue).
KEY_ROLES_FOR_MAATWERK = ("regie", "politieke-afstemming")


@dataclass
class TeamComposition:
    """Which core roles an opgave's team has: covered (someone confirmed), requested but
    still open, or not requested at all; plus what to warn the manager about."""

    covered: list[Role] = field(default_factory=list)
    requested: list[Role] = field(default_factory=list)
    missing: list[Role] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[Role, str]]:
        return sorted(
            [(role, "covered") for role in self.covered]
            + [(role, "requested") for role in self.requested]
            + [(role, "missing") for role in self.missing],
            key=lambda row: (row[0].order, row[0].name_nl),
        )


def team_composition(
    *, opgave: Opgave, role_requests: list[RoleRequest], roles: list[Role]
) -> TeamComposition:
    """The team check, from role requests loaded by `role_requests_of` (no queries)."""
    confirmed: set[int] = set()
    requested: set[int] = set()
    for role_request in role_requests:
        if role_request.status == RoleRequest.Status.WITHDRAWN:
            continue
        requested.add(role_request.role_id)
        if role_request.confirmed_count:
            confirmed.add(role_request.role_id)
    team = TeamComposition()
    for role in roles:
        if role.pk in confirmed:
            team.covered.append(role)
        elif role.pk in requested:
            team.requested.append(role)
        else:
            team.missing.append(role)
    if opgave.is_maatwerk:
        for role in team.missing:
            if role.code in KEY_ROLES_FOR_MAATWERK:
                team.warnings.append(
                    _(
                        "Deze opgave is maatwerk, maar er is geen rolvraag voor %(role)s. "
                        "Zonder die rol loopt een opgave als deze vaak vast."
                    )
                    % {"role": role.name.lower()}
                )
    return team


# --------------------------------------------------------------------------------------
# Visibility of role requests, inzet and matches, built on `opgaven_visible_to`, so that
# the API and the pages agree on who follows which opgave.
# --------------------------------------------------------------------------------------


def role_requests_visible_to(*, user: AbstractBaseUser) -> QuerySet[RoleRequest]:
    """The role requests of the opgaven the user sees."""
    return (
        RoleRequest.objects.filter(opgave__in=opgaven_visible_to(user=user).values("pk"))
        .select_related("opgave", "role")
        .prefetch_related(competency_needs())
        .order_by("start", "pk")
    )


def _with_related(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return queryset.select_related(
        "member", "role_request__opgave", "role_request__role", "release__decided_by"
    ).order_by("start", "pk")


def assignments_visible_to(*, user: AbstractBaseUser) -> QuerySet[Assignment]:
    """Members see their own inzet; HR advisors all inzet on the opgaven they staff;
    managers the people confirmed on their own opgaven (issue 7); line managers the inzet
    that takes their own people's hours, as on their release pages."""
    groups = group_names(user)
    visible = Q(pk__in=[])
    if MEMBER in groups:
        visible |= Q(member__user=user)
    if LINE_MANAGER in groups:
        visible |= Q(
            member__line_manager=user,
            state__in=(*Assignment.BOOKED_STATES, AssignmentState.COMPLETED),
        )
    followed = opgaven_visible_to(user=user).values("pk")
    if HR_ADVISOR in groups:
        visible |= Q(role_request__opgave__in=followed)
    elif MANAGER in groups:
        visible |= Q(
            role_request__opgave__in=followed,
            state__in=(AssignmentState.CONFIRMED, AssignmentState.COMPLETED),
        )
    return _with_related(Assignment.objects.filter(visible))


def own_assignments(*, user: AbstractBaseUser) -> QuerySet[Assignment]:
    """The inzet a member answers: their own."""
    return _with_related(Assignment.objects.filter(member__user=user))


def staffed_assignments(*, user: AbstractBaseUser) -> QuerySet[Assignment]:
    """The inzet an HR advisor confirms and withdraws: on the opgaven they staff."""
    return _with_related(
        Assignment.objects.filter(
            role_request__opgave__in=opgaven_visible_to(user=user).values("pk")
        )
    )


def matches_visible_to(*, user: AbstractBaseUser, today: date) -> QuerySet[Match]:
    """The stored matches the pages show: to an HR advisor the best candidates of the role
    requests of the organisations they serve (the candidate list), to a member their own
    best open requests (Kansen). Best first."""
    groups = group_names(user)
    visible = Q(pk__in=[])
    if HR_ADVISOR in groups:
        visible |= Q(
            in_request_top=True,
            role_request__in=RoleRequest.objects.filter(
                opgave__organisation__hr_advisors=user
            ).values("pk"),
        )
    if MEMBER in groups:
        visible |= Q(
            in_member_top=True,
            member__user=user,
            role_request__in=open_role_requests(today=today).values("pk"),
        )
    return (
        Match.objects.filter(visible)
        .select_related("member", "role_request")
        .order_by("-score", "role_request_id", "member_id")
    )


def candidates_of(*, role_request: RoleRequest) -> QuerySet[Match]:
    """The stored best candidates of a role request, best first."""
    return (
        Match.objects.filter(role_request=role_request, in_request_top=True)
        .select_related("member", "role_request")
        .order_by("-score", "member_id")
    )
