"""Reads for the pool, scoped to what the asking user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from competencies.models import Competency, Role
from pool.access import ADMINISTRATOR, HR_ADVISOR, MANAGER, MEMBER, group_names
from pool.models import (
    Availability,
    LearningGoal,
    Leave,
    Member,
    MemberCompetency,
    Organisation,
    RoleExperience,
)

# A profile not confirmed for this long is probably out of date (six months).
PROFILE_REVIEW_AFTER = timedelta(days=183)
# The fewest competencies a profile needs before matching has something to go on.
MIN_COMPETENCIES = 3


def member_of(*, user: AbstractBaseUser) -> Member:
    """The member record of the logged-in user, with its organisation; 404 if there is none."""
    try:
        return Member.objects.select_related("organisation").get(user=user)
    except Member.DoesNotExist:
        raise Http404 from None


def member_profile_of(*, user: AbstractBaseUser) -> Member:
    """The member record of the logged-in user, with everything the profile page shows.

    One query per relation, however many rows: the page renders roles from the role
    catalogue (`roles_active`), so role experience needs no join. Periods that have ended
    are left out; they no longer affect matching and only clutter the page.
    """
    today = timezone.localdate()
    queryset = Member.objects.select_related("organisation").prefetch_related(
        Prefetch(
            "competencies",
            queryset=MemberCompetency.objects.select_related("competency__group").order_by(
                "competency__group__order", "competency__order", "competency__name_nl"
            ),
        ),
        Prefetch("role_experience", queryset=RoleExperience.objects.order_by()),
        Prefetch("availability", queryset=Availability.objects.filter(end__gte=today)),
        Prefetch("leave", queryset=Leave.objects.filter(end__gte=today)),
        Prefetch(
            "learning_goals",
            queryset=LearningGoal.objects.select_related("competency"),
        ),
    )
    try:
        return queryset.get(user=user)
    except Member.DoesNotExist:
        raise Http404 from None


def _owned[M: Model](model: type[M], *, member: Member, pk: int, related: tuple = ()) -> M:
    """A row of the member's own profile; 404 for anybody else's, so ids cannot be probed."""
    return get_object_or_404(model.objects.select_related(*related), pk=pk, member=member)


def member_competency_of(*, member: Member, pk: int) -> MemberCompetency:
    return _owned(MemberCompetency, member=member, pk=pk, related=("competency__group",))


def availability_of(*, member: Member, pk: int) -> Availability:
    return _owned(Availability, member=member, pk=pk)


def leave_of(*, member: Member, pk: int) -> Leave:
    return _owned(Leave, member=member, pk=pk)


def learning_goal_of(*, member: Member, pk: int) -> LearningGoal:
    return _owned(LearningGoal, member=member, pk=pk, related=("competency",))


def held_competency_ids(*, member: Member) -> set[int]:
    return set(member.competencies.values_list("competency_id", flat=True))


def _active_competencies():
    return (
        Competency.objects.filter(is_active=True, group__is_active=True)
        .select_related("group")
        .order_by("group__order", "group__name_nl", "order", "name_nl")
    )


def competency_catalogue() -> list[Competency]:
    """The active competencies with their group, in catalogue order (group by group)."""
    return list(_active_competencies())


def competencies_matching(*, query: str) -> list[Competency]:
    """Active competencies whose Dutch or English name contains the query, any case."""
    query = query.strip()
    if not query:
        return competency_catalogue()
    return list(
        _active_competencies().filter(Q(name_nl__icontains=query) | Q(name_en__icontains=query))
    )


def roles_active() -> list[Role]:
    """The active roles, core roles first, in catalogue order."""
    return list(Role.objects.filter(is_active=True).order_by("-is_core", "order", "name_nl"))


@dataclass(frozen=True)
class CompletenessItem:
    label: str | Promise
    done: bool
    anchor: str  # the id of the page section where the member can complete it


@dataclass(frozen=True)
class ProfileCompleteness:
    items: list[CompletenessItem]

    @property
    def percent(self) -> int:
        return round(100 * sum(item.done for item in self.items) / len(self.items))

    @property
    def missing(self) -> list[CompletenessItem]:
        return [item for item in self.items if not item.done]


def profile_completeness(*, member: Member) -> ProfileCompleteness:
    """What a profile needs for good matches, from the relations `member_profile_of` loaded."""
    today = timezone.localdate()
    competencies = len(member.competencies.all())
    return ProfileCompleteness(
        items=[
            CompletenessItem(
                _("Minstens drie competenties met niveau"),
                competencies >= MIN_COMPETENCIES,
                "competencies",
            ),
            CompletenessItem(
                _("Ervaring en voorkeur per rol"),
                bool(member.role_experience.all()),
                "role-experience",
            ),
            CompletenessItem(
                _("Beschikbaarheid voor de komende tijd"),
                any(period.end >= today for period in member.availability.all()),
                "availability",
            ),
            CompletenessItem(
                _("Minstens één leerdoel"),
                bool(member.learning_goals.all()),
                "learning-goals",
            ),
        ]
    )


def profile_review_due(*, member: Member, now: datetime | None = None) -> bool:
    """True when the member never confirmed their profile, or did so six months ago or more."""
    if member.profile_confirmed_at is None:
        return True
    return member.profile_confirmed_at <= (now or timezone.now()) - PROFILE_REVIEW_AFTER


def members_in_pool_of(*, user: AbstractBaseUser) -> QuerySet[Member]:
    """The members an HR advisor plans with: those of the organisations they serve, and those
    other organisations share with them, as matching does (DESIGN.md §6): the member allows
    it, and their organisation and one the advisor serves both take part in sharing.
    Nobody for anyone but an HR advisor."""
    if HR_ADVISOR not in group_names(user):
        return Member.objects.none()
    served = Organisation.objects.filter(hr_advisors=user)
    return Member.objects.filter(may_staff(served)).select_related("organisation")


def may_staff(organisations: QuerySet[Organisation]) -> Q:
    """Members who may staff requests of `organisations`, as matching pairs them: their own,
    and when one of them takes part in sharing, the shareable members of the other
    organisations that take part."""
    # Organisations by subquery, not by a join: a pool has tens of thousands of members and
    # a handful of organisations, so each member is tested against two small hashed sets.
    sharing = Organisation.objects.filter(shares_members=True)
    shared = Q(shareable=True, organisation__in=sharing.values("pk")) & Q(
        Exists(organisations.filter(shares_members=True))
    )
    return Q(organisation__in=organisations.values("pk")) | shared


# --- Visibility: who may see which organisations and members (pages and API alike) --------


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
    """Members see their own record; HR advisors their pool (`members_in_pool_of`): the
    members of the organisations they serve and those shared with them. Subqueries rather
    than joins, so that no row comes back twice."""
    groups = group_names(user)
    visible = Q(pk__in=[])
    if MEMBER in groups:
        visible |= Q(user=user)
    if HR_ADVISOR in groups:
        visible |= Q(pk__in=members_in_pool_of(user=user).values("pk"))
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


def competencies_of(*, member: Member) -> QuerySet[MemberCompetency]:
    """A member's competencies with their catalogue entry, by competency code."""
    return (
        MemberCompetency.objects.filter(member=member)
        .select_related("competency")
        .order_by("competency__code", "pk")
    )


# --- A member's own profile, for the API ----------------------------------------------------


def member_own(*, user: AbstractBaseUser, uuid: UUID) -> Member:
    """The member record `uuid` if it is the user's own: only they change their profile (as
    Mijn profiel is theirs alone). 404 if the user does not see it at all; 403 if they see
    it but it is somebody else's (an HR advisor's pool)."""
    member = get_object_or_404(members_visible_to(user=user).prefetch_related(None), uuid=uuid)
    if member.user_id != user.pk:
        raise PermissionDenied
    return member


def learning_goals_of(*, member: Member) -> QuerySet[LearningGoal]:
    return (
        LearningGoal.objects.filter(member=member)
        .select_related("competency")
        .order_by("competency__code", "pk")
    )


def role_experience_of(*, member: Member) -> QuerySet[RoleExperience]:
    """What the member recorded per role (a role not recorded is not filled in)."""
    return (
        RoleExperience.objects.filter(member=member)
        .select_related("role")
        .order_by("-role__is_core", "role__order", "role__code", "pk")
    )


def availability_periods_of(*, member: Member) -> QuerySet[Availability]:
    """All the member's availability periods, also those that have ended."""
    return Availability.objects.filter(member=member).order_by("start", "pk")


def leave_periods_of(*, member: Member) -> QuerySet[Leave]:
    """All the member's leave, also leave that has ended."""
    return Leave.objects.filter(member=member).order_by("start", "pk")
