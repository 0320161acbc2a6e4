"""What the members of the pool have to offer, kept in memory per process.

Two readers need every member at once. The shortages report sums, per role and per
competency level that open requests ask for, the mean free hours over the coming quarter
of the qualifying members of the advisor's pool. A role request's recompute scores the
whole pool against it: every member's competencies, learning goals, roles and free hours
per week. Reading all that for 20,000 members took most of a second per view, and 210 of
a request recompute's 264 ms (docs/performance.md). So each process keeps it as arrays
(≈ 20 MB at 20,000 members and a year and a half of weeks), and asks the database only
whether the pool changed (three sums) and if so who is in it at which revision:
`Member.revision` moves in the transaction of every change to what matching
reads of a member (`pool.services.member_matches_invalidate`, and anonymisation), so the
members whose revision moved are read again and the others are current. Who is in the
pool (organisations sharing, whom the advisor serves) and which organisations share are
asked every time. A new week reads everyone, and so does a request that runs past the
weeks read so far.

The snapshot trusts a revision it read: changes made and read in one transaction that
is then rolled back could be kept under a revision that a later change reuses. Nothing
reads the pool in a transaction that changes members.

Reading everyone takes 0.6–0.9 s, which the first Tekorten view of each new web process
paid; gunicorn workers read it as they start instead (`pool_snapshot_warm`, called from
config/gunicorn.py), before they take requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Max, QuerySet, Sum
from numpy.typing import NDArray

from assignments.matching.adapter import (
    MEMBER_TABLES,
    MemberRows,
    MemberSide,
    RequestSide,
    member_side_of,
    open_role_requests,
    positions_on,
    read_members,
    week_of,
)
from pool.models import Member, RoleExperience

QUARTER_WEEKS = 13
# Hours are kept to one decimal; float32 sums need a little room.
TOLERANCE = 0.05
# Read everyone again rather than this many members one by one.
REREAD_ALL_ABOVE = 2000
# Competency levels run from 1 to 4 (member_competency_level_1_4); 0 stays empty.
LEVELS = 5


@dataclass(frozen=True)
class Supply:
    """Per asked row: the free hours per week of the qualifying members, and how many of
    them have any."""

    hours: float
    people: int


# The fields of MemberRows with one entry per member; the others are MEMBER_TABLES, with
# one row per entry whose first column is the member's id.
_PER_MEMBER = ("member_ids", "revisions", "organisation_ids", "shareable", "free")


@dataclass(frozen=True)
class PoolSnapshot:
    """Every member read so far, as of their revision, for the weeks from `first_week`.

    Never changed in place: `updated` makes a new one. The axes that the sums and matching
    need are worked out on first use.
    """

    first_week: date
    rows: MemberRows

    @property
    def weeks(self) -> int:
        return self.rows.free.shape[1]

    @cached_property
    def mean_free(self) -> NDArray[np.float64]:
        """Per member, the mean over the quarter of each week's free hours, at least 0."""
        quarter = self.rows.free[:, :QUARTER_WEEKS]
        return np.maximum(quarter, 0).mean(axis=1, dtype=np.float64)

    @cached_property
    def _table_at(self) -> dict[str, NDArray[np.intp]]:
        """Per table, the positions in rows.member_ids of its rows' members."""
        return {
            name: np.searchsorted(self.rows.member_ids, getattr(self.rows, name)[:, 0])
            for name in MEMBER_TABLES
        }

    @cached_property
    def _competency_axis(self) -> tuple[NDArray[np.int64], NDArray[np.intp]]:
        """The competencies held, and each competency row's place: its competency's
        position times LEVELS plus its level."""
        ids, index = np.unique(self.rows.held[:, 1], return_inverse=True)
        return ids, index * LEVELS + self.rows.held[:, 2]

    @cached_property
    def _experienced(self) -> tuple[NDArray[np.intp], NDArray[np.int64], NDArray[np.intp]]:
        """Of the roles of at least some experience: the rows' members' positions, the
        roles, and each row's role's position among them."""
        some = self.rows.roles[:, 2] >= RoleExperience.Experience.SOME
        role_ids, index = np.unique(self.rows.roles[some, 1], return_inverse=True)
        return self._table_at["roles"][some], role_ids, index

    def stale(
        self, member_ids: NDArray[np.int64], revisions: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """Which of these members (sorted by id) this snapshot lacks, or holds at another
        revision."""
        if not len(self.rows.member_ids):
            return member_ids
        index, known = positions_on(self.rows.member_ids, member_ids)
        return member_ids[~(known & (self.rows.revisions[index] == revisions))]

    def updated(self, asked: NDArray[np.int64], rows: MemberRows) -> PoolSnapshot:
        """This snapshot with the members `asked` for read again into `rows` (over the
        same weeks): replaced, added when new, left out when `rows` lacks them (they are
        gone)."""
        old = self.rows
        keep = ~np.isin(old.member_ids, asked)
        order = np.argsort(np.concatenate([old.member_ids[keep], rows.member_ids]), kind="stable")
        fields = {
            name: np.concatenate([getattr(old, name)[keep], getattr(rows, name)])[order]
            for name in _PER_MEMBER
        }
        for name in MEMBER_TABLES:
            table = getattr(old, name)
            fields[name] = np.concatenate(
                [table[~np.isin(table[:, 0], asked)], getattr(rows, name)]
            )
        return PoolSnapshot(self.first_week, MemberRows(**fields))

    def free_of(self, member_ids: NDArray[np.int64]) -> NDArray[np.float64]:
        """Mean free hours per member of the snapshot: those of `member_ids` (sorted, all
        in the snapshot), zero for everyone else."""
        hours = np.zeros(len(self.rows.member_ids))
        at = np.searchsorted(self.rows.member_ids, member_ids)
        hours[at] = self.mean_free[at]
        return hours

    def role_supply(self, *, free: NDArray[np.float64], roles: list[int]) -> dict[int, Supply]:
        """Per role: the members with at least some experience in it."""
        experienced_at, role_ids, index = self._experienced
        hours, people = _sums(index, free[experienced_at], len(role_ids))
        return {role_id: _supply_at(role_ids, role_id, hours, people) for role_id in roles}

    def competency_supply(
        self, *, free: NDArray[np.float64], asked: list[tuple[int, int]]
    ) -> dict[tuple[int, int], Supply]:
        """Per (competency, minimum level): the members who hold it at that level or higher."""
        competency_ids, code = self._competency_axis
        count = len(competency_ids)
        hours, people = _sums(code, free[self._table_at["held"]], count * LEVELS)
        # At a level or higher: the sums per level, added up from the highest level down.
        hours = np.flip(np.flip(hours.reshape(count, LEVELS), 1).cumsum(axis=1), 1)
        people = np.flip(np.flip(people.reshape(count, LEVELS), 1).cumsum(axis=1), 1)
        return {
            (competency_id, level): _supply_at(
                competency_ids, competency_id, hours[:, level], people[:, level]
            )
            for competency_id, level in asked
        }

    @cached_property
    def _by_column(self) -> dict[str, tuple[NDArray[np.intp], NDArray[np.int64]]]:
        """Per table, its rows in the order of their competency or role, and those ids."""
        by_column = {}
        for name in MEMBER_TABLES:
            column = getattr(self.rows, name)[:, 1]
            order = np.argsort(column, kind="stable")
            by_column[name] = order, column[order]
        return by_column

    def _on_axis(self, name: str, axis_ids: NDArray[np.int64]) -> NDArray[np.intp]:
        """The rows of a table whose competency or role is on the (sorted) axis."""
        order, column = self._by_column[name]
        low = np.searchsorted(column, axis_ids, "left")
        high = np.searchsorted(column, axis_ids, "right")
        return np.concatenate([order[a:b] for a, b in zip(low, high, strict=True)] + [order[:0]])

    def member_side(self, member_ids: NDArray[np.int64], *, side: RequestSide) -> MemberSide:
        """What matching reads of `member_ids` (sorted, all in the snapshot) on the axes
        of `side`, as `adapter.member_side` reads it from the database. Needs side.weeks
        <= self.weeks."""
        rows = self.rows
        everyone = len(member_ids) == len(rows.member_ids)
        at = slice(None) if everyone else np.searchsorted(rows.member_ids, member_ids)
        # Each snapshot member's row in the result; -1 for those left out.
        place = np.full(len(rows.member_ids), -1, dtype=np.intp)
        place[at] = np.arange(len(member_ids))
        tables, places = {}, {}
        for name, axis_ids in (
            ("held", side.competency_ids),
            ("goals", side.competency_ids),
            ("roles", side.role_ids),
        ):
            # Only the rows on the request's axes: a few thousand of 170,000 competencies.
            picked = self._on_axis(name, axis_ids)
            tables[name] = getattr(rows, name)[picked]
            places[name] = place[self._table_at[name][picked]]
        return member_side_of(
            member_ids=member_ids,
            organisation_ids=rows.organisation_ids[at],
            shareable=rows.shareable[at],
            free=rows.free[at, : side.weeks],
            tables=tables,
            rows=places,
            side=side,
        )


def _supply_at(
    ids: NDArray[np.int64], wanted: int, hours: NDArray[np.float64], people: NDArray[np.int64]
) -> Supply:
    """The sums of one id of a sorted axis; nothing for an id nobody has."""
    at = int(np.searchsorted(ids, wanted))
    if at == len(ids) or ids[at] != wanted:
        return Supply(0.0, 0)
    return Supply(float(hours[at]), int(people[at]))


def _sums(
    index: NDArray[np.intp], hours: NDArray[np.float64], length: int
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Hours and people with any, summed per index."""
    return (
        np.bincount(index, weights=hours, minlength=length),
        np.bincount(index, weights=hours > TOLERANCE, minlength=length).astype(np.int64),
    )


def _weeks_to_read(first_week: date, weeks: int) -> int:
    """At least `weeks`, and on to the end of the last open role request, in whole
    quarters: a request recompute then seldom finds the snapshot short."""
    last = open_role_requests(today=first_week).aggregate(last=Max("end"))["last"]
    if last is not None:
        weeks = max(weeks, (week_of(last) - first_week).days // 7 + 1)
    return max(1, -(-weeks // QUARTER_WEEKS)) * QUARTER_WEEKS


def _everyone(first_week: date, weeks: int) -> PoolSnapshot:
    return PoolSnapshot(first_week, read_members(None, first_week, weeks))


# This process's snapshot, by its first week (only the current one is kept); replaced
# whole, never changed in place.
_snapshots: dict[date, PoolSnapshot] = {}
# Per pool queried (its SQL and parameters), as last found current in the snapshot: its
# size, the sum of its ids and the sum of its revisions, and its ids. Revisions only
# grow and new members get higher ids, so equal sums mean the same members at the same
# revisions.
_pools: dict[tuple, tuple[tuple[int, int, int], NDArray[np.int64]]] = {}
KEEP_POOLS = 100


def _pool_key(pool: QuerySet[Member]) -> tuple | None:
    try:
        key = pool.query.sql_with_params()
        hash(key)
    except (EmptyResultSet, TypeError):
        return None
    return key


def _sums_of(member_ids: NDArray[np.int64], revisions: NDArray[np.int64]) -> tuple[int, int, int]:
    return len(member_ids), int(member_ids.sum()), int(revisions.sum())


def pool_snapshot(
    *, pool: QuerySet[Member], first_week: date, weeks: int = QUARTER_WEEKS
) -> tuple[PoolSnapshot, NDArray[np.int64]]:
    """A snapshot current for every member of `pool` over at least `weeks` weeks from
    `first_week`, and the pool's ids (sorted).

    One query when no member changed; for a pool seen before, one more to find who did,
    then one round trip to read the members whose revision moved; two more to read
    everyone: in a new week, for more weeks than read so far, or in a new process.
    """
    pool = pool.order_by()
    snapshot = _snapshots.get(first_week)
    if snapshot is None or snapshot.weeks < weeks:
        snapshot = None
        _snapshots.clear()
        _pools.clear()
    key = _pool_key(pool)
    known = _pools.get(key) if snapshot is not None else None
    if known is not None:
        # Three sums instead of every id and revision: 1 ms against 9 at 20,000 members.
        sums = pool.aggregate(count=Count("pk"), ids=Sum("pk"), revisions=Sum("revision"))
        if (sums["count"], sums["ids"] or 0, sums["revisions"] or 0) == known[0]:
            return snapshot, known[1]
    # As two arrays in one row: a row per member costs more to fetch than to find.
    scope = pool.aggregate(ids=ArrayAgg("pk"), revisions=ArrayAgg("revision"))
    member_ids = np.array(scope["ids"] or [], dtype=np.int64)  # None for an empty pool
    order = np.argsort(member_ids)
    revisions = np.array(scope["revisions"] or [], dtype=np.int64)[order]
    member_ids = member_ids[order]
    if snapshot is None:
        snapshot = _everyone(first_week, _weeks_to_read(first_week, weeks))
    stale = snapshot.stale(member_ids, revisions)
    if len(stale) > REREAD_ALL_ABOVE:
        snapshot = _everyone(first_week, snapshot.weeks)
    elif len(stale):
        read = read_members(stale.tolist(), first_week, snapshot.weeks)
        snapshot = snapshot.updated(stale, read)
    _snapshots[first_week] = snapshot
    # A member deleted since the first query is not in the snapshot, nor in the pool.
    present = positions_on(snapshot.rows.member_ids, member_ids)[1]
    if key is not None and present.all():
        if len(_pools) >= KEEP_POOLS:
            _pools.clear()
        _pools[key] = (_sums_of(member_ids, revisions), member_ids)
    return snapshot, member_ids[present]


def pool_snapshot_warm(*, today: date) -> None:
    """Read everyone into this process's snapshot from `today`'s week, unless it holds
    one already; views then read only what changed."""
    first_week = week_of(today)
    if first_week not in _snapshots:
        _snapshots.clear()
        _pools.clear()
        _snapshots[first_week] = _everyone(first_week, _weeks_to_read(first_week, QUARTER_WEEKS))
