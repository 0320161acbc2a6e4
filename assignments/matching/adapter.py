"""The Django side of matching: load arrays from the database, score, store the best.

The axes of a loaded problem are only what the requests in scope need: the competencies
they ask for, their roles, and the weeks from this week to the last week of any of them.
So one request against the whole pool makes arrays a few columns wide. A recompute of one
request takes the whole pool from pool_supply's per-process snapshot rather than from the
database (see services.request_matches_recompute).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.core.cache import cache
from django.db.models import QuerySet
from numpy.typing import NDArray

from assignments.matching.core import MatchProblem, Members, Requests, Weights
from assignments.models import (
    BOOKED_STATES,
    AssignmentState,
    Opgave,
    RoleRequest,
    RoleRequestCompetency,
)
from config.db import Statement, run_together
from pool.models import Member, RoleExperience

NEUTRAL_PREFERENCE = RoleExperience.Preference.NEUTRAL
WORKDAYS = 5


@dataclass(frozen=True)
class LoadedProblem:
    problem: MatchProblem
    member_ids: NDArray[np.int64]
    request_ids: NDArray[np.int64]
    competency_ids: NDArray[np.int64]
    role_ids: NDArray[np.int64]
    first_week: date


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def open_role_requests(*, today: date) -> QuerySet[RoleRequest]:
    """Role requests that want candidates: open, on an open or running opgave, not over."""
    return RoleRequest.objects.filter(
        status=RoleRequest.Status.OPEN,
        opgave__status__in=[Opgave.Status.OPEN, Opgave.Status.IN_PROGRESS],
        end__gte=today,
    )


# What scoring reads besides requests and members: the weights (one row, or none for the
# defaults) and which organisations share their members. A caller that has statements of
# its own to send reads these with them and hands the results to load_problem.
SCORING_SETTINGS = [
    Statement('SELECT "values" FROM assignments_matchingweights WHERE id = 1'),
    Statement("SELECT id, shares_members FROM pool_organisation"),
]


def _positions(ids: NDArray[np.int64], values: Iterable[int]) -> NDArray[np.intp]:
    """Positions of database ids in a sorted id axis."""
    return np.searchsorted(ids, np.fromiter(values, dtype=np.int64))


def _row_of(member_ids: NDArray[np.int64], member_id: int) -> int | None:
    """The row of a member in a sorted id axis; None for one not on it (a member who
    joined after the axis was read, when the rows are read for everyone)."""
    row = int(np.searchsorted(member_ids, member_id))
    return row if row < len(member_ids) and member_ids[row] == member_id else None


def _member_rows(member_ids: NDArray[np.int64], values: NDArray[np.int64]) -> NDArray[np.intp]:
    """The rows of members in a sorted id axis; -1 for those not on it (who joined after
    the axis was read)."""
    rows, on_axis = positions_on(member_ids, values)
    return np.where(on_axis, rows, -1)


def positions_on(
    axis: NDArray[np.int64], values: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Each value's position on a sorted id axis, and whether it is on it at all (a
    position of a value not on it is some valid index, to be masked out)."""
    if not len(axis):
        return np.zeros(len(values), dtype=np.intp), np.zeros(len(values), dtype=bool)
    index = np.minimum(np.searchsorted(axis, values), len(axis) - 1)
    return index, axis[index] == values


def _week_range(first_week: date, start: date, end: date, weeks: int) -> tuple[int, int]:
    """Half-open week positions of an inclusive date range, clipped to the horizon."""
    low = max(0, (week_of(start) - first_week).days // 7)
    high = min(weeks, (week_of(end) - first_week).days // 7 + 1)
    return low, high


def _workdays_in_week(week: date, start: date, end: date) -> int:
    first, last = max(week, start), min(week + timedelta(days=WORKDAYS - 1), end)
    return max(0, (last - first).days + 1)


@dataclass(frozen=True)
class RequestSide:
    """Everything about the requests in scope, independent of the members."""

    request_ids: NDArray[np.int64]
    competency_ids: NDArray[np.int64]
    role_ids: NDArray[np.int64]
    min_levels: NDArray[np.int8]
    required: NDArray[np.bool_]
    role: NDArray[np.intp]
    hours: NDArray[np.float32]
    week_ranges: NDArray[np.int32]
    open_to_development: NDArray[np.bool_]
    organisation_ids: NDArray[np.int64]
    weeks: int
    # The last Requests built, by the organisation axis it was built on: a side kept
    # across recomputes (open_requests_side) then keeps the core's preparation too.
    _built: dict[bytes, Requests] = field(default_factory=dict, compare=False, repr=False)

    def requests_on(self, organisation_ids: NDArray[np.int64]) -> Requests:
        """These requests as the core takes them, on the given (sorted) organisation axis."""
        key = organisation_ids.tobytes()
        built = self._built.get(key)
        if built is None:
            built = Requests(
                min_levels=self.min_levels,
                required=self.required,
                role=self.role,
                hours=self.hours,
                week_start=self.week_ranges[:, 0],
                week_end=self.week_ranges[:, 1],
                open_to_development=self.open_to_development,
                organisation=np.searchsorted(organisation_ids, self.organisation_ids),
            )
            self._built.clear()
            self._built[key] = built
        return built


def request_statements(requests: QuerySet[RoleRequest]) -> list[Statement]:
    """The statements that read a RequestSide (request_side_of turns their results into
    one): the requests, and what they ask."""
    return [
        Statement.of(
            requests.order_by().values_list(
                "pk",
                "role_id",
                "hours_per_week",
                "start",
                "end",
                "open_to_development",
                "opgave__organisation_id",
            )
        ),
        Statement.of(
            RoleRequestCompetency.objects.filter(role_request__in=requests.values("pk"))
            .order_by()
            .values_list("role_request_id", "competency_id", "min_level", "required")
        ),
    ]


def request_side(*, requests: QuerySet[RoleRequest], first_week: date) -> RequestSide:
    """The requests as scoring reads them, in one round trip."""
    return request_side_of(run_together(request_statements(requests)), first_week=first_week)


def request_side_of(results: list[list[tuple]], *, first_week: date) -> RequestSide:
    """A RequestSide from the results of request_statements."""
    rows, needs = sorted(results[0]), results[1]
    request_ids = np.array([row[0] for row in rows], dtype=np.int64)
    # A request opened between the two statements has needs but no row: left out.
    read = set(request_ids.tolist())
    needs = [need for need in needs if need[0] in read]
    competency_ids = np.array(sorted({need[1] for need in needs}), dtype=np.int64)
    role_ids = np.array(sorted({row[1] for row in rows}), dtype=np.int64)
    weeks = max([_week_range(first_week, row[3], row[4], 10**6)[1] for row in rows] or [1])
    min_levels = np.zeros((len(request_ids), len(competency_ids)), dtype=np.int8)
    required = np.zeros(min_levels.shape, dtype=bool)
    if needs:
        at = (
            _positions(request_ids, (n[0] for n in needs)),
            _positions(competency_ids, (n[1] for n in needs)),
        )
        min_levels[at] = [n[2] for n in needs]
        required[at] = [n[3] for n in needs]
    return RequestSide(
        request_ids=request_ids,
        competency_ids=competency_ids,
        role_ids=role_ids,
        min_levels=min_levels,
        required=required,
        role=_positions(role_ids, (row[1] for row in rows)),
        hours=np.array([float(row[2]) for row in rows], dtype=np.float32),
        week_ranges=np.array(
            [_week_range(first_week, row[3], row[4], weeks) for row in rows], dtype=np.int32
        ).reshape(-1, 2),
        open_to_development=np.array([row[5] for row in rows], dtype=bool),
        organisation_ids=np.array([row[6] for row in rows], dtype=np.int64),
        weeks=weeks,
    )


# The open requests change far less often than members do, and a member recompute needs
# all of them: each process keeps the last load, keyed by the day and by a version that
# every change to a role request bumps (see requests_changed).
REQUESTS_VERSION_KEY = "matching-open-requests-version"
_open_requests_cache: dict[tuple, RequestSide] = {}


def requests_changed() -> None:
    """Invalidate every process's cached open requests. Call after a role request change."""
    try:
        cache.incr(REQUESTS_VERSION_KEY)
    except ValueError:
        cache.set(REQUESTS_VERSION_KEY, 1, timeout=None)


def open_requests_side(*, today: date) -> RequestSide:
    key = (today, cache.get(REQUESTS_VERSION_KEY, 0))
    side = _open_requests_cache.get(key)
    if side is None:
        side = request_side(requests=open_role_requests(today=today), first_week=week_of(today))
        _open_requests_cache.clear()
        _open_requests_cache[key] = side
    return side


def spread(
    shape: tuple[int, int],
    rows: NDArray[np.intp],
    column_ids: NDArray[np.int64],
    axis_ids: NDArray[np.int64],
    values: NDArray,
    *,
    empty: int = 0,
) -> NDArray[np.int8]:
    """An int8 matrix of `shape` holding `values` at (row, position of the column id on the
    sorted `axis_ids`); entries whose row is -1 or whose column is not on the axis are left
    out, and cells without an entry hold `empty`."""
    matrix = np.full(shape, empty, dtype=np.int8)
    columns, on_axis = positions_on(axis_ids, column_ids)
    kept = (rows >= 0) & on_axis
    matrix[rows[kept], columns[kept]] = values[kept]
    return matrix


@dataclass(frozen=True)
class MemberSide:
    """Everything scoring reads of the members in scope, on the competency and role axes
    and the weeks of a RequestSide; rows follow `member_ids` (sorted)."""

    member_ids: NDArray[np.int64]
    organisation_ids: NDArray[np.int64]
    shareable: NDArray[np.bool_]
    levels: NDArray[np.int8]
    learning_targets: NDArray[np.int8]
    role_experience: NDArray[np.int8]
    role_preference: NDArray[np.int8]
    free_hours: NDArray[np.float32]


# What scoring reads of members besides their own row: per name, the statement and its
# number of columns, all integers, the member's id first.
MEMBER_TABLES = {
    "held": ("SELECT member_id, competency_id, level FROM pool_membercompetency", 3),
    "goals": ("SELECT member_id, competency_id, target_level FROM pool_learninggoal", 3),
    "roles": ("SELECT member_id, role_id, experience, preference FROM pool_roleexperience", 4),
}
# Whose rows to read: these member ids, the members of a queryset, or everyone (None).
Scope = list[int] | QuerySet[Member] | None


def _limited(
    select: str, conditions: list[str], params: list, column: str, scope: Scope
) -> Statement:
    """A Statement of `select` WHERE the conditions hold and `column` is in the scope."""
    if isinstance(scope, QuerySet):
        subquery = Statement.of(scope.order_by().values("pk"))
        conditions = [*conditions, f"{column} IN ({subquery.sql})"]
        params = [*params, *subquery.params]
    elif scope is not None:
        conditions, params = [*conditions, f"{column} = ANY(%s)"], [*params, list(scope)]
    return Statement(f"{select} WHERE {' AND '.join(conditions) or 'true'}", params)


@dataclass(frozen=True)
class MemberRows:
    """What the database holds on some members for matching, over the weeks from a first
    week; members sorted by id."""

    member_ids: NDArray[np.int64]
    revisions: NDArray[np.int64]
    organisation_ids: NDArray[np.int64]
    shareable: NDArray[np.bool_]
    free: NDArray[np.float32]  # members × weeks; < 0 when overbooked
    held: NDArray[np.int64]  # member, competency, level
    goals: NDArray[np.int64]  # member, competency, target level
    roles: NDArray[np.int64]  # member, role, experience, preference


def member_statements(scope: Scope, first_week: date, weeks: int) -> list[Statement]:
    """The statements that read MemberRows (member_rows turns their results into one)."""
    return [
        _limited(
            "SELECT id, revision, organisation_id, shareable, pool_hours FROM pool_member",
            [],
            [],
            "id",
            scope,
        ),
        *(
            _limited(select, [], [], "member_id", scope)
            for select, _columns in MEMBER_TABLES.values()
        ),
        *hours_statements(scope, first_week, weeks, BOOKED_STATES),
    ]


def member_rows(results: list[list[tuple]], first_week: date, weeks: int) -> MemberRows:
    """MemberRows from the results of member_statements."""
    members, *table_rows = results[: 1 + len(MEMBER_TABLES)]
    members = sorted(members)
    member_ids = np.array([row[0] for row in members], dtype=np.int64)
    tables = {}
    for (name, (_select, columns)), rows in zip(MEMBER_TABLES.items(), table_rows, strict=True):
        table = np.array(rows, dtype=np.int64).reshape(-1, columns)
        # Reading everyone, a member may join between the statements: only those read count.
        tables[name] = table[np.isin(table[:, 0], member_ids)]
    hours = weekly_hours_of(
        member_ids,
        [row[4] for row in members],
        results[1 + len(MEMBER_TABLES) :],
        first_week,
        weeks,
    )
    return MemberRows(
        member_ids=member_ids,
        revisions=np.array([row[1] for row in members], dtype=np.int64),
        organisation_ids=np.array([row[2] for row in members], dtype=np.int64),
        shareable=np.array([row[3] for row in members], dtype=bool),
        free=hours.capacity - hours.booked,
        **tables,
    )


def read_members(scope: Scope, first_week: date, weeks: int) -> MemberRows:
    """What matching reads of the members in `scope`, in one round trip."""
    return member_rows(run_together(member_statements(scope, first_week, weeks)), first_week, weeks)


def member_side(*, members: Scope, side: RequestSide, first_week: date) -> MemberSide:
    """What scoring needs of `members` on the axes of `side`, in one round trip.

    A whole pool is cheaper from pool_supply's snapshot (PoolSnapshot.member_side).
    """
    return member_side_from(read_members(members, first_week, side.weeks), side=side)


def member_side_from(rows: MemberRows, *, side: RequestSide) -> MemberSide:
    """MemberRows on the axes of `side`. All the members' rows are read, also of
    competencies and roles no request asks for (spread leaves those out): a list of every
    competency asked costs more to send."""
    tables = {name: getattr(rows, name) for name in MEMBER_TABLES}
    return member_side_of(
        member_ids=rows.member_ids,
        organisation_ids=rows.organisation_ids,
        shareable=rows.shareable,
        free=rows.free,
        tables=tables,
        rows={name: _member_rows(rows.member_ids, table[:, 0]) for name, table in tables.items()},
        side=side,
    )


def member_side_of(
    *,
    member_ids: NDArray[np.int64],
    organisation_ids: NDArray[np.int64],
    shareable: NDArray[np.bool_],
    free: NDArray[np.float32],
    tables: dict[str, NDArray[np.int64]],
    rows: dict[str, NDArray[np.intp]],
    side: RequestSide,
) -> MemberSide:
    """A MemberSide from the members' rows and MEMBER_TABLES, on the axes of `side`.
    `rows` gives, per table, the row of each entry's member (-1: left out)."""
    by_competency = (len(member_ids), len(side.competency_ids))
    by_role = (len(member_ids), len(side.role_ids))
    held, goals, roles = tables["held"], tables["goals"], tables["roles"]
    competency_ids, role_ids = side.competency_ids, side.role_ids
    return MemberSide(
        member_ids=member_ids,
        organisation_ids=organisation_ids,
        shareable=shareable,
        levels=spread(by_competency, rows["held"], held[:, 1], competency_ids, held[:, 2]),
        learning_targets=spread(
            by_competency, rows["goals"], goals[:, 1], competency_ids, goals[:, 2]
        ),
        role_experience=spread(by_role, rows["roles"], roles[:, 1], role_ids, roles[:, 2]),
        role_preference=spread(
            by_role, rows["roles"], roles[:, 1], role_ids, roles[:, 3], empty=NEUTRAL_PREFERENCE
        ),
        free_hours=free,
    )


def load_problem(
    *,
    requests: QuerySet[RoleRequest] | RequestSide,
    members: QuerySet[Member] | MemberSide,
    today: date,
    settings: list[list[tuple]] | None = None,
) -> LoadedProblem:
    """Read everything scoring needs for `members` × `requests`, in a fixed number of queries.

    `requests` may be a queryset, or a RequestSide already loaded (open_requests_side);
    `members` a queryset, or a MemberSide already loaded on that RequestSide's axes
    (pool_supply's PoolSnapshot.member_side); `settings` the results of SCORING_SETTINGS,
    read here if not given.
    """
    first_week = week_of(today)
    side = (
        requests
        if isinstance(requests, RequestSide)
        else request_side(requests=requests, first_week=first_week)
    )
    people = (
        members
        if isinstance(members, MemberSide)
        else member_side(members=members, side=side, first_week=first_week)
    )
    weight_rows, organisation_rows = settings or run_together(SCORING_SETTINGS)
    organisation_rows = sorted(organisation_rows)
    organisation_ids = np.array([row[0] for row in organisation_rows], dtype=np.int64)
    problem = MatchProblem(
        members=Members(
            levels=people.levels,
            role_experience=people.role_experience,
            role_preference=people.role_preference,
            learning_targets=people.learning_targets,
            free_hours=people.free_hours,
            organisation=np.searchsorted(organisation_ids, people.organisation_ids),
            shareable=people.shareable,
        ),
        requests=side.requests_on(organisation_ids),
        org_shares=np.array([row[1] for row in organisation_rows], dtype=bool),
        # The stored weights come as JSON text (Django's JSONField decodes its own).
        weights=Weights.from_dict(json.loads(weight_rows[0][0]) if weight_rows else {}),
    )
    return LoadedProblem(
        problem, people.member_ids, side.request_ids, side.competency_ids, side.role_ids, first_week
    )


def hours_statements(
    scope: Scope, first_week: date, weeks: int, states: Iterable[str]
) -> list[Statement]:
    """The statements that read availability, leave and the inzet in `states` of the
    members in `scope` over `weeks` weeks from `first_week` (see weekly_hours_of)."""
    overlapping = ["start <= %s", '"end" >= %s']
    span = [first_week + timedelta(weeks=weeks, days=-1), first_week]
    return [
        _limited(
            'SELECT member_id, start, "end", hours_per_week FROM pool_availability',
            overlapping,
            span,
            "member_id",
            scope,
        ),
        _limited(
            'SELECT member_id, start, "end" FROM pool_leave', overlapping, span, "member_id", scope
        ),
        _limited(
            'SELECT member_id, start, "end", hours_per_week, state FROM assignments_assignment',
            [*overlapping, "state = ANY(%s)"],
            [*span, list(states)],
            "member_id",
            scope,
        ),
    ]


@dataclass(frozen=True)
class WeeklyHours:
    """Members × weeks: capacity net of leave, booked (accepted and confirmed) and proposed."""

    capacity: NDArray[np.float32]
    booked: NDArray[np.float32]
    proposed: NDArray[np.float32]


def weekly_hours_of(
    member_ids: NDArray[np.int64],
    pool_hours: list,
    results: list[list[tuple]],
    first_week: date,
    weeks: int,
) -> WeeklyHours:
    """WeeklyHours from the results of hours_statements. `member_ids` must be sorted; rows
    follow it.

    Capacity is the availability (or pool hours) less leave, which takes away a fifth of
    the week's capacity per working day. Inzet counts its full hours in every week it
    touches, even partly (as the capacity check does).
    """
    availability, leave, inzet = results
    free = np.repeat(np.array(pool_hours, dtype=np.float32)[:, None], weeks, axis=1)
    for member_id, start, end, hours in availability:
        if (row := _row_of(member_ids, member_id)) is None:
            continue
        low, high = _week_range(first_week, start, end, weeks)
        free[row, low:high] = float(hours)
    capacity = free.copy()
    for member_id, start, end in leave:
        if (row := _row_of(member_ids, member_id)) is None:
            continue
        low, high = _week_range(first_week, start, end, weeks)
        for week in range(low, high):
            monday = first_week + timedelta(weeks=week)
            share = _workdays_in_week(monday, start, end) / WORKDAYS
            free[row, week] -= capacity[row, week] * share
    booked = np.zeros_like(free)
    proposed = np.zeros_like(free)
    for member_id, start, end, hours, state in inzet:
        if (row := _row_of(member_ids, member_id)) is None:
            continue
        low, high = _week_range(first_week, start, end, weeks)
        target = proposed if state == AssignmentState.PROPOSED else booked
        target[row, low:high] += float(hours)
    return WeeklyHours(free, booked, proposed)


def weekly_hours(
    member_ids: NDArray[np.int64],
    pool_hours: list,
    first_week: date,
    weeks: int,
    *,
    with_proposed: bool = True,
) -> WeeklyHours:
    """Capacity, booked and proposed hours per week of these members (sorted), in one
    round trip for any number of them."""
    states = [*BOOKED_STATES, AssignmentState.PROPOSED] if with_proposed else BOOKED_STATES
    statements = hours_statements(member_ids.tolist(), first_week, weeks, states)
    return weekly_hours_of(member_ids, pool_hours, run_together(statements), first_week, weeks)


def free_hours(
    member_ids: NDArray[np.int64], pool_hours: list, first_week: date, weeks: int
) -> NDArray[np.float32]:
    """Hours per week free for pool work: capacity less inzet.

    Only accepted and confirmed inzet book hours (DESIGN.md §5).
    """
    hours = weekly_hours(member_ids, pool_hours, first_week, weeks, with_proposed=False)
    return hours.capacity - hours.booked
