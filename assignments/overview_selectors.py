"""Reads for the HR advisor's pool overview: capacity per week, shortages, fair distribution.

Every read starts from `members_in_pool_of`, so an advisor sees exactly the members they
may plan with, and runs a fixed number of queries however many members there are.
"""

from __future__ import annotations

import math
import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache, reduce
from itertools import groupby
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Q, QuerySet, TextChoices
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from assignments.matching.adapter import week_of, weekly_hours
from assignments.models import Assignment, AssignmentState, RoleRequestCompetency
from assignments.pool_supply import QUARTER_WEEKS, TOLERANCE, pool_snapshot
from assignments.selectors import open_role_requests_for_advisor
from pool.models import Member, Organisation
from pool.selectors import may_staff, members_in_pool_of

WEEKS_AHEAD = 12
YEAR_DAYS = 365
# Inzet that counts as having worked on an opgave (proposals and refusals do not).
WORKED_STATES = (AssignmentState.ACCEPTED, AssignmentState.CONFIRMED, AssignmentState.COMPLETED)


def hours_text(value: float) -> str:
    """Hours as people read them: "24", "7,5" (localised, at most one decimal)."""
    return _hours_text(round(value, 1), get_language())


@lru_cache(maxsize=4096)
def _hours_text(value: float, language: str | None) -> str:
    # A heatmap page shows ~1,500 figures of a few dozen values; floatformat is slow.
    return floatformat(value, -1)


# --- Members and filters ------------------------------------------------------------------


class Grouping(TextChoices):
    ORGANISATION = "organisatie", gettext_lazy("organisatie")
    UNIT = "afdeling", gettext_lazy("afdeling")


# Within an organisation or a unit of one, members are listed by name.
BY_NAME = ("last_name", "first_name", "pk")


def overview_members(
    *,
    user: AbstractBaseUser,
    organisation: Organisation | None = None,
    unit: str | None = None,
    grouping: str = Grouping.ORGANISATION,
) -> QuerySet[Member]:
    """The advisor's pool, optionally one organisation or unit, in the order of its groups."""
    members = members_in_pool_of(user=user)
    if organisation is not None:
        members = members.filter(organisation=organisation)
    if unit:
        members = members.filter(unit=unit)
    if grouping == Grouping.UNIT:
        return members.order_by("unit", "organisation__name", "organisation_id", *BY_NAME)
    return members.order_by("organisation__name", "organisation_id", *BY_NAME)


@dataclass(frozen=True)
class PoolFacets:
    """The advisor's pool counted per organisation and unit, in one pass over it: the
    filter's choices, how many members a choice selects, and in which groups (so that
    the pager neither counts nor sorts the whole pool again)."""

    # Organisation id, unit, members; by unit as the database sorts them.
    counts: list[tuple[int, str, int]]

    @cached_property
    def organisations(self) -> QuerySet[Organisation]:
        """The organisations with members in the pool, by name."""
        ids = {organisation_id for organisation_id, _unit, _members in self.counts}
        return Organisation.objects.filter(pk__in=ids).order_by("name", "pk")

    @cached_property
    def units(self) -> list[str]:
        """The named units that members of the pool belong to, alphabetically."""
        return [unit for unit in self._unit_order if unit]

    @cached_property
    def _unit_order(self) -> list[str]:
        """Every unit, "" (none) included, in the database's order."""
        return list(dict.fromkeys(unit for _organisation_id, unit, _members in self.counts))

    def groups(
        self,
        *,
        grouping: str,
        organisation: Organisation | None = None,
        unit: str | None = None,
    ) -> list[tuple[dict[str, Any], int]]:
        """The groups of what `overview_members` selects with these filters, in its order:
        each as the filter that selects it from those members, and its size. One query:
        the organisations' order."""
        rank = {pk: i for i, pk in enumerate(self.organisations.values_list("pk", flat=True))}
        place = {name: i for i, name in enumerate(self._unit_order)}
        chosen = [
            (organisation_id, member_unit, members)
            for organisation_id, member_unit, members in self.counts
            if (organisation is None or organisation_id == organisation.pk)
            and (not unit or member_unit == unit)
        ]
        if grouping == Grouping.UNIT:
            chosen.sort(key=lambda row: (place[row[1]], rank[row[0]]))
            return [({"organisation_id": o, "unit": u}, members) for o, u, members in chosen]
        sizes: dict[int, int] = defaultdict(int)
        for organisation_id, _unit, members in chosen:
            sizes[organisation_id] += members
        return [({"organisation_id": pk}, sizes[pk]) for pk in sorted(sizes, key=rank.get)]


def pool_facets(*, user: AbstractBaseUser) -> PoolFacets:
    members = members_in_pool_of(user=user).order_by("unit", "organisation_id")
    return PoolFacets(
        counts=list(members.values_list("organisation_id", "unit").annotate(Count("pk")))
    )


class GroupedPages:
    """What `overview_members` selects (`members`, in its order), for Django's Paginator:
    counted from the facets' groups, and a page read from the groups it falls in only. A
    page within one group is read along the index of a group's members by name
    (`member_in_organisation_by_name`, `member_in_unit_by_name`) instead of sorting the
    whole pool for it."""

    def __init__(self, members: QuerySet[Member], groups: list[tuple[dict[str, Any], int]]):
        self.members, self.groups = members, groups

    def count(self) -> int:
        return sum(size for _group, size in self.groups)

    def __getitem__(self, page: slice) -> list[Member]:
        start, stop = page.start or 0, page.stop or self.count()
        spanned, before, seen = [], 0, 0
        for group, size in self.groups:
            if seen + size <= start:
                before = seen + size
            elif seen < stop:
                spanned.append(group)
            seen += size
        if not spanned:
            return []
        if len(spanned) == 1:  # within a group the order is by name
            members = self.members.filter(**spanned[0]).order_by(*BY_NAME)
        else:
            members = self.members.filter(reduce(operator.or_, (Q(**g) for g in spanned)))
        return list(members[start - before : stop - before])


# --- Capacity per week ----------------------------------------------------------------


class Utilisation(TextChoices):
    UNAVAILABLE = "unavailable", gettext_lazy("niet beschikbaar")
    FREE = "free", gettext_lazy("vrij")
    PARTLY = "partly", gettext_lazy("deels bezet")
    FULL = "full", gettext_lazy("vol")
    OVERBOOKED = "overbooked", gettext_lazy("overboekt")

    @property
    def mark(self) -> str:
        """A shape per state, so the heatmap does not speak by colour alone."""
        return UTILISATION_MARKS[self]


UTILISATION_MARKS = {
    Utilisation.UNAVAILABLE: "–",
    Utilisation.FREE: "○",
    Utilisation.PARTLY: "◐",
    Utilisation.FULL: "●",
    Utilisation.OVERBOOKED: "▲",
}


@dataclass(frozen=True)
class WeekCell:
    monday: date
    capacity: float  # pool hours or availability, net of leave
    booked: float  # accepted and confirmed inzet
    proposed: float  # proposals waiting for an answer: tentative, not counted as booked

    @property
    def free(self) -> float:
        return max(self.capacity - self.booked, 0.0)

    @cached_property  # read three times per cell by the heatmap
    def utilisation(self) -> Utilisation:
        if self.booked > self.capacity + TOLERANCE:
            return Utilisation.OVERBOOKED
        if self.capacity <= TOLERANCE:
            return Utilisation.UNAVAILABLE
        if self.booked <= TOLERANCE:
            return Utilisation.FREE
        if self.booked < self.capacity - TOLERANCE:
            return Utilisation.PARTLY
        return Utilisation.FULL

    @cached_property
    def booked_text(self) -> str:
        return hours_text(self.booked)

    @cached_property
    def capacity_text(self) -> str:
        return hours_text(self.capacity)

    @cached_property
    def proposed_text(self) -> str:
        return hours_text(self.proposed)

    @cached_property
    def text(self) -> str:
        """The cell in words, for screen readers and the table view."""
        text = _("%(booked)s van %(capacity)s uur") % {
            "booked": self.booked_text,
            "capacity": self.capacity_text,
        }
        if self.proposed > TOLERANCE:
            text += ", " + _("%(proposed)s voorgesteld") % {"proposed": self.proposed_text}
        return text


@dataclass(frozen=True)
class CapacityRow:
    member: Member
    weeks: list[WeekCell]


@dataclass(frozen=True)
class CapacityGroup:
    label: str
    rows: list[CapacityRow]


def capacity_weeks(*, today: date) -> list[date]:
    """The Mondays of this week and the eleven after it."""
    first = week_of(today)
    return [first + timedelta(weeks=w) for w in range(WEEKS_AHEAD)]


def capacity_rows(*, members: list[Member], today: date) -> list[CapacityRow]:
    """Each member's hours for the coming twelve weeks, in the members' order.

    One round trip (availability, leave, inzet) for any number of members.
    """
    if not members:
        return []
    weeks = capacity_weeks(today=today)
    by_id = sorted(members, key=lambda member: member.pk)
    ids = np.array([member.pk for member in by_id], dtype=np.int64)
    hours = weekly_hours(ids, [m.pool_hours for m in by_id], weeks[0], WEEKS_AHEAD)
    row_of = {member_id: row for row, member_id in enumerate(ids.tolist())}
    return [
        CapacityRow(
            member=member,
            weeks=[
                WeekCell(
                    monday=monday,
                    capacity=float(hours.capacity[row_of[member.pk], w]),
                    booked=float(hours.booked[row_of[member.pk], w]),
                    proposed=float(hours.proposed[row_of[member.pk], w]),
                )
                for w, monday in enumerate(weeks)
            ],
        )
        for member in members
    ]


def group_label(member: Member, grouping: str) -> str:
    if grouping == Grouping.UNIT:
        return f"{member.unit or _('zonder afdeling')} – {member.organisation.name}"
    return member.organisation.name


def capacity_groups(*, rows: list[CapacityRow], grouping: str) -> list[CapacityGroup]:
    """Consecutive rows of one organisation or unit together (rows come in group order)."""
    return [
        CapacityGroup(label=label, rows=list(group))
        for label, group in groupby(rows, key=lambda row: group_label(row.member, grouping))
    ]


# --- Shortages --------------------------------------------------------------------------


class Dimension(TextChoices):
    ROLE = "role", gettext_lazy("rol")
    COMPETENCY = "competency", gettext_lazy("competentie")


@dataclass
class Shortage:
    """Demand for one role, or one competency at a minimum level, against supply.

    Demand: hours per week and people still wanted by open role requests. Supply: the
    mean free hours per week over the quarter of the members who qualify (role
    experience, or the competency at or above the level), and how many of them have any.
    """

    dimension: str
    label: str
    demand_hours: float = 0.0
    demand_people: int = 0
    requests: int = 0
    supply_hours: float = 0.0
    supply_people: int = 0
    # What requests that wish for a competency (not require it) still want: shown apart,
    # and not part of the gap.
    desired_hours: float = 0.0
    desired_people: int = 0

    @property
    def gap_hours(self) -> float:
        return self.demand_hours - self.supply_hours

    @property
    def gap_people(self) -> int:
        return self.demand_people - self.supply_people

    @property
    def short_hours(self) -> float:
        return round(self.gap_hours, 1) if self.gap_hours > TOLERANCE else 0.0

    @property
    def short_people(self) -> int:
        return max(self.gap_people, 0)


@dataclass(frozen=True)
class ShortageReport:
    first_week: date
    last_day: date
    request_count: int
    roles: list[Shortage]
    competencies: list[Shortage]

    @cached_property  # read for every bar of the charts
    def scale(self) -> float:
        """The largest number of hours in any row: the full width of a chart bar."""
        values = [
            value
            for row in self.roles + self.competencies
            for value in (row.demand_hours, row.supply_hours)
        ]
        return max(values, default=0.0) or 1.0


def _biggest_gaps_first(rows) -> list[Shortage]:
    # Rounded, so that gaps equal but for the order of a float sum tie on people and label.
    return sorted(rows, key=lambda row: (-round(row.gap_hours, 6), -row.gap_people, row.label))


def shortage_organisations(*, user: AbstractBaseUser) -> QuerySet[Organisation]:
    """The organisations whose shortages the advisor may look at: those they serve."""
    return Organisation.objects.filter(hr_advisors=user).order_by("name", "pk")


def shortages(
    *, user: AbstractBaseUser, today: date, organisation: Organisation | None = None
) -> ShortageReport:
    """Per role and per competency: what open role requests starting within the coming
    quarter still want, against what the advisor's pool has free in that quarter. A
    competency's demand counts the requests that require it; those that only wish for it
    are counted apart (`desired_*`).

    A request's still-open places are its people less its booked inzet. With an
    organisation (one the advisor serves): its requests, against the members who may
    staff them.
    """
    first = week_of(today)
    horizon_end = first + timedelta(weeks=QUARTER_WEEKS)
    name = "name_en" if (get_language() or "nl").startswith("en") else "name_nl"
    running = (
        open_role_requests_for_advisor(user=user)
        .filter(end__gte=today, start__lt=horizon_end)
        .order_by()
    )
    if organisation is not None:
        running = running.filter(opgave__organisation=organisation)
    requests = {
        pk: (role_id, role_name, float(hours) * (people - staffed), people - staffed)
        for pk, role_id, role_name, hours, people, staffed in running.values_list(
            "pk", "role_id", f"role__{name}", "hours_per_week", "people", "staffed"
        )
        if people > staffed
    }
    needs = defaultdict(list)
    if requests:
        # By subquery: a list of a thousand ids costs more to send than to look up.
        for request_id, *need in (
            RoleRequestCompetency.objects.filter(role_request__in=running.values("pk"))
            .order_by()
            .values_list(
                "role_request_id", "competency_id", "min_level", f"competency__{name}", "required"
            )
        ):
            needs[request_id].append(need)

    roles: dict[int, Shortage] = {}
    competencies: dict[tuple[int, int], Shortage] = {}
    level_label = _("%(competency)s, niveau %(level)s of hoger")  # translated once, not per row
    for request_id, (role_id, role_name, hours, places) in requests.items():
        if role_id not in roles:
            roles[role_id] = Shortage(Dimension.ROLE, role_name)
        rows = [roles[role_id]]
        for competency_id, min_level, competency_name, required in needs[request_id]:
            key = (competency_id, min_level)
            if key not in competencies:
                label = level_label % {"competency": competency_name, "level": min_level}
                competencies[key] = Shortage(Dimension.COMPETENCY, label)
            if required:
                rows.append(competencies[key])
            else:
                competencies[key].desired_hours += hours
                competencies[key].desired_people += places
        for row in rows:
            row.demand_hours += hours
            row.demand_people += places
            row.requests += 1

    if requests:
        pool = members_in_pool_of(user=user)
        if organisation is not None:
            pool = pool.filter(may_staff(Organisation.objects.filter(pk=organisation.pk)))
        _add_supply(pool=pool, first=first, roles=roles, competencies=competencies)
    return ShortageReport(
        first_week=first,
        last_day=horizon_end - timedelta(days=1),
        request_count=len(requests),
        roles=_biggest_gaps_first(roles.values()),
        competencies=_biggest_gaps_first(competencies.values()),
    )


def _add_supply(
    *,
    pool: QuerySet[Member],
    first: date,
    roles: dict[int, Shortage],
    competencies: dict[tuple[int, int], Shortage],
) -> None:
    """Add the free hours of the members who qualify for each row.

    From the process's snapshot of the pool (assignments.pool_supply): one query when no
    member changed since the last view, three when some did.
    """
    snapshot, member_ids = pool_snapshot(pool=pool, first_week=first)
    free = snapshot.free_of(member_ids)
    for role_id, supply in snapshot.role_supply(free=free, roles=list(roles)).items():
        roles[role_id].supply_hours, roles[role_id].supply_people = supply.hours, supply.people
    if competencies:
        asked = list(competencies)
        for key, supply in snapshot.competency_supply(free=free, asked=asked).items():
            competencies[key].supply_hours = supply.hours
            competencies[key].supply_people = supply.people


# --- Fair distribution --------------------------------------------------------------------


@dataclass(frozen=True)
class DistributionRow:
    member: Member
    current: bool  # has inzet today
    last_end: date | None  # the last day of their most recent inzet that has ended
    days_without: int | None  # 0 while they have inzet; None if they never had any
    share: float  # of the last twelve months (by day) with inzet, 0–1
    count: int  # inzet overlapping the last twelve months

    @property
    def status(self) -> str:
        if self.current:
            return _("nu ingezet")
        if self.last_end is None:
            return _("nooit ingezet")
        return _("zonder inzet")

    @property
    def sort_days(self) -> float:
        return math.inf if self.days_without is None else self.days_without


class DistributionOrder(TextChoices):
    LONGEST_WITHOUT = "zonder-inzet", gettext_lazy("langst zonder inzet eerst")
    SHORTEST_WITHOUT = "-zonder-inzet", gettext_lazy("kortst zonder inzet eerst")
    SHARE_HIGH = "aandeel", gettext_lazy("hoogste aandeel eerst")
    SHARE_LOW = "-aandeel", gettext_lazy("laagste aandeel eerst")
    NAME = "naam", gettext_lazy("naam A–Z")
    NAME_REVERSED = "-naam", gettext_lazy("naam Z–A")


def _name_key(row: DistributionRow) -> tuple:
    return (row.member.last_name.lower(), row.member.first_name.lower(), row.member.pk)


SORT_KEYS = {
    DistributionOrder.LONGEST_WITHOUT: (lambda r: (-r.sort_days, _name_key(r)), False),
    DistributionOrder.SHORTEST_WITHOUT: (lambda r: (r.sort_days, _name_key(r)), False),
    DistributionOrder.SHARE_HIGH: (lambda r: (-r.share, _name_key(r)), False),
    DistributionOrder.SHARE_LOW: (lambda r: (r.share, _name_key(r)), False),
    DistributionOrder.NAME: (_name_key, False),
    DistributionOrder.NAME_REVERSED: (_name_key, True),
}


def _covered_days(periods: list[tuple[date, date]], first: date, last: date) -> int:
    """Days from `first` to `last` (inclusive) inside at least one of the periods."""
    days, reached = 0, first - timedelta(days=1)
    for start, end in sorted(periods):
        start, end = max(start, reached + timedelta(days=1)), min(end, last)
        if end >= start:
            days += (end - start).days + 1
            reached = end
    return days


def distribution(
    *, members: QuerySet[Member], today: date, order: str = DistributionOrder.LONGEST_WITHOUT
) -> list[DistributionRow]:
    """For each member: how long without inzet, and how much of the past year with inzet.

    Three queries: the members, their last ended inzet, their inzet in the past year.
    """
    members = list(members)
    ids = [member.pk for member in members]
    worked = Q(member_id__in=ids, state__in=WORKED_STATES, start__lte=today)
    last_end = dict(
        Assignment.objects.filter(worked, end__lt=today)
        .order_by()
        .values("member_id")
        .annotate(last=Max("end"))
        .values_list("member_id", "last")
    )
    year_start = today - timedelta(days=YEAR_DAYS)
    periods = defaultdict(list)
    for member_id, start, end in (
        Assignment.objects.filter(worked, end__gte=year_start)
        .order_by()
        .values_list("member_id", "start", "end")
    ):
        periods[member_id].append((start, end))

    rows = []
    for member in members:
        mine = periods[member.pk]
        current = any(end >= today for _start, end in mine)
        last = last_end.get(member.pk)
        rows.append(
            DistributionRow(
                member=member,
                current=current,
                last_end=last,
                days_without=0 if current else (today - last).days if last else None,
                share=_covered_days(mine, year_start, today - timedelta(days=1)) / YEAR_DAYS,
                count=len(mine),
            )
        )
    key, reverse = SORT_KEYS[DistributionOrder(order)]
    return sorted(rows, key=key, reverse=reverse)
