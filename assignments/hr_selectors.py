"""Reads for the HR advisor's staffing work, scoped to the organisations they serve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import get_language

from assignments.matching.explain import Reading, names_for, read
from assignments.models import (
    ACTIVE_STATES,
    Assignment,
    AssignmentState,
    Match,
    Opgave,
    RoleRequest,
)
from assignments.selectors import (
    assignments_counted,
    competency_needs,
    open_role_requests_for_advisor,
    role_choices,
)
from competencies.models import Role
from pool.access import HR_ADVISOR, group_names
from pool.models import Member, MemberCompetency, Organisation


def role_requests_for_advisor(*, user: AbstractBaseUser) -> QuerySet[RoleRequest]:
    """The role requests of the organisations the advisor serves (none for anyone else),
    with their needs and active inzet."""
    if HR_ADVISOR not in group_names(user):
        return RoleRequest.objects.none()
    return (
        RoleRequest.objects.filter(opgave__organisation__hr_advisors=user)
        .select_related("role", "opgave__organisation", "opgave__owner")
        .prefetch_related(
            competency_needs(),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(state__in=ACTIVE_STATES).select_related(
                    "member__line_manager", "release"
                ),
                to_attr="active_assignments",
            ),
        )
    )


def role_request_for_advisor(*, user: AbstractBaseUser, uuid: UUID) -> RoleRequest:
    """A role request of an organisation the advisor serves; anything else is 404."""
    try:
        return role_requests_for_advisor(user=user).get(uuid=uuid)
    except RoleRequest.DoesNotExist:
        raise Http404 from None


def stored_score(*, role_request: RoleRequest, member: Member) -> float | None:
    """The member's stored match score for the request: what a proposal records."""
    return (
        Match.objects.filter(role_request=role_request, member=member)
        .values_list("score", flat=True)
        .first()
    )


@dataclass(frozen=True)
class CandidateFilters:
    """What the candidate list is narrowed to; every field empty means all candidates."""

    search: str = ""
    competency_id: int | None = None
    min_level: int | None = None
    organisation_id: int | None = None
    external: bool | None = None
    min_free_hours: Decimal | None = None


NO_CANDIDATE_FILTERS = CandidateFilters()


def candidates_for(
    *, role_request: RoleRequest, filters: CandidateFilters = NO_CANDIDATE_FILTERS
) -> list[tuple[Match, Reading]]:
    """The stored best candidates, best first, each with its explanation in words.

    Filters narrow the stored list only, never widen it: whoever is shown has a stored
    score and explanation for this request.
    """
    stored = Match.objects.filter(role_request=role_request, in_request_top=True)
    matches = stored
    if filters.competency_id:
        matches = matches.filter(
            Exists(
                MemberCompetency.objects.filter(
                    member=OuterRef("member_id"),
                    competency_id=filters.competency_id,
                    level__gte=filters.min_level or 1,
                )
            )
        )
    if filters.organisation_id:
        matches = matches.filter(member__organisation_id=filters.organisation_id)
    if filters.external is not None:
        matches = matches.filter(member__is_external=filters.external)
    if filters.min_free_hours:
        # The free hours the score was computed with, as the explanation shows them.
        matches = matches.filter(explanation__hours__free__gte=float(filters.min_free_hours))
    search = filters.search.strip()
    if search:
        matches = matches.annotate(
            name_document=SearchVector("member__first_name", "member__last_name", config="dutch")
        ).filter(_matching_text(search, stored))
    matches = list(matches.select_related("member__organisation").order_by("-score", "member_id"))
    competencies, roles = names_for([m.explanation for m in matches])
    return [(m, read(m.explanation, competencies, roles)) for m in matches]


def _matching_text(search: str, candidates: QuerySet[Match]) -> Q:
    """Candidates whose name, competency names or evidence match the text: Dutch full text
    (stemmed: "samenwerking" finds "samenwerken") or trigram word similarity for typos
    ("samenwerkn" finds "samenwerken"). Needs the `name_document` annotation."""
    query = SearchQuery(search, config="dutch", search_type="websearch")
    held = (
        # Within the OR, PostgreSQL runs this as one hashed subplan; naming the candidates
        # keeps it to their competencies instead of everyone's.
        MemberCompetency.objects.filter(
            member=OuterRef("member_id"), member_id__in=candidates.values("member_id")
        )
        .annotate(
            evidence_document=SearchVector("evidence", config="dutch"),
            competency_document=SearchVector(
                "competency__name_nl", "competency__name_en", config="dutch"
            ),
        )
        .filter(
            Q(evidence_document=query)
            | Q(competency_document=query)
            | Q(evidence__trigram_word_similar=search)
            | Q(competency__name_nl__trigram_word_similar=search)
            | Q(competency__name_en__trigram_word_similar=search)
        )
    )
    return (
        Q(name_document=query)
        | Q(member__first_name__trigram_word_similar=search)
        | Q(member__last_name__trigram_word_similar=search)
        | Exists(held)
    )


def candidate_organisation_choices(*, role_request: RoleRequest) -> list[tuple[int, str]]:
    """The organisations of the request's stored candidates: the filter's choices."""
    return list(
        Organisation.objects.filter(
            members__matches__role_request=role_request,
            members__matches__in_request_top=True,
        )
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )


# --------------------------------------------------------------------------------------
# The board: open role requests of the organisations the advisor serves
# --------------------------------------------------------------------------------------


# "Urgent": starts within this many weeks and is still open.
URGENCY_WEEKS = (2, 4, 8)


@dataclass(frozen=True)
class BoardFilters:
    """What the board is narrowed to; every field empty means all open requests."""

    search: str = ""
    organisation_id: int | None = None
    role_id: int | None = None
    opgave_id: int | None = None
    start_from: date | None = None
    start_to: date | None = None
    within_weeks: int | None = None
    # Only requests without a stored candidate scoring at least this.
    no_candidate_from: int | None = None
    order: str = "urgentie"


def _board_order(order: str) -> list[Any]:
    role_name = "role__name_en" if (get_language() or "nl").startswith("en") else "role__name_nl"
    orders: dict[str, list[Any]] = {
        "start": ["start"],
        "-start": ["-start"],
        "opgave": ["opgave__title", "start"],
        "rol": [role_name, "start"],
        "organisatie": ["opgave__organisation__name", "start"],
        # Soonest bucket first; within it, the requests with the weakest candidates.
        "urgentie": ["urgency", F("best_score").asc(nulls_first=True), "start"],
    }
    return [*orders.get(order, orders["urgentie"]), "pk"]


def board_requests(
    *, user: AbstractBaseUser, filters: BoardFilters, today: date
) -> QuerySet[RoleRequest]:
    """The advisor's open role requests, filtered and sorted, with their best stored score,
    how many proposals wait for an answer (`proposed`, beside `staffed`), and their
    urgency: 0, 1, 2 when they start within 2, 4 or 8 weeks, else 3."""
    top = Match.objects.filter(role_request=OuterRef("pk"), in_request_top=True)
    buckets = [
        When(start__lte=today + timedelta(weeks=weeks), then=Value(index))
        for index, weeks in enumerate(URGENCY_WEEKS)
    ]
    requests = open_role_requests_for_advisor(user=user).annotate(
        best_score=Subquery(top.order_by("-score").values("score")[:1]),
        proposed=assignments_counted(states=[AssignmentState.PROPOSED]),
        urgency=Case(*buckets, default=Value(len(URGENCY_WEEKS))),
    )
    search = filters.search.strip()
    if search:
        # The opgaven and the roles that match, each looked up once as a small set: one OR
        # over the joined columns left PostgreSQL testing every opgave against every role
        # (11,700 pairs for 2,000 opgaven, ≈ 16 ms).
        opgaven = Opgave.objects.filter(
            Q(title__icontains=search) | Q(organisation__name__icontains=search)
        )
        roles = Role.objects.filter(Q(name_nl__icontains=search) | Q(name_en__icontains=search))
        requests = requests.filter(
            Q(opgave__in=opgaven.values("pk")) | Q(role__in=roles.values("pk"))
        )
    exact = {
        "opgave__organisation_id": filters.organisation_id,
        "role_id": filters.role_id,
        "opgave_id": filters.opgave_id,
        "start__gte": filters.start_from,
        "start__lte": filters.start_to,
    }
    requests = requests.filter(**{key: value for key, value in exact.items() if value})
    if filters.within_weeks:
        requests = requests.filter(start__lte=today + timedelta(weeks=filters.within_weeks))
    if filters.no_candidate_from:
        requests = requests.filter(~Exists(top.filter(score__gte=filters.no_candidate_from)))
    return requests.order_by(*_board_order(filters.order))


def board_choices(*, user: AbstractBaseUser) -> dict[str, Callable[[], list[tuple[int, str]]]]:
    """The board filter's choices, as callables: read only when the form needs them."""
    served = Organisation.objects.filter(hr_advisors=user).order_by("name")
    opgaven = (
        Opgave.objects.filter(
            status__in=[Opgave.Status.OPEN, Opgave.Status.IN_PROGRESS],
            organisation__hr_advisors=user,
            role_requests__status=RoleRequest.Status.OPEN,
        )
        .distinct()
        .order_by("title", "pk")
        .values_list("pk", "title")
    )
    return {
        "organisations": lambda: list(served.values_list("pk", "name")),
        "roles": role_choices,
        "opgaven": lambda: list(opgaven),
    }
