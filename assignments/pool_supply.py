"""What the members of the pool have to offer over the coming quarter, kept in memory.

The shortages report sums, per role and per competency level that open requests ask for,
the mean free hours of the qualifying members of the advisor's pool. Reading every
member's competencies, role experience, availability, leave and inzet for each view took
most of a second at 20,000 members (docs/performance.md). So each process keeps them as
arrays (≈ 8 MB at 20,000 members), and a view asks the database only who is in the
advisor's pool and at which revision: `Member.revision` moves in the transaction of every
change to what matching reads of a member (`pool.services.member_matches_invalidate`, and
anonymisation), so the members whose revision moved are read again and the others are
current. Who is in the pool (organisations sharing, whom the advisor serves) is asked
on every view. A new week reads everyone.

Reading everyone takes 0.6–0.9 s, which the first Tekorten view of each new web process
paid; gunicorn workers read it as they start instead (`pool_snapshot_warm`, called from
config/gunicorn.py), before they take requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, QuerySet
from numpy.typing import NDArray

from assignments.matching.adapter import free_hours, week_of
from pool.models import Member, MemberCompetency, RoleExperience

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


@dataclass(frozen=True)
class _Rows:
    """What the database holds on some members; members sorted by id."""

    member_ids: NDArray[np.int64]
    revisions: NDArray[np.int64]
    mean_free: NDArray[np.float64]  # mean over the quarter of each week's free hours, ≥ 0
    held_member_ids: NDArray[np.int64]  # their competencies: member, competency, level
    held_competency_ids: NDArray[np.int64]
    held_levels: NDArray[np.int8]
    experienced_member_ids: NDArray[np.int64]  # their roles of at least some experience
    experienced_role_ids: NDArray[np.int64]


@dataclass(frozen=True)
class PoolSnapshot:
    """Every member read so far, as of their revision, for the quarter from `first_week`,
    with the axes the sums need worked out once."""

    first_week: date
    rows: _Rows
    # Positions in rows.member_ids of the competency and role rows' members.
    held_at: NDArray[np.intp]
    experienced_at: NDArray[np.intp]
    # The competencies held and the roles known, and each row's place: for a competency
    # row, its competency's position times LEVELS plus its level.
    competency_ids: NDArray[np.int64]
    held_code: NDArray[np.intp]
    role_ids: NDArray[np.int64]
    experienced_index: NDArray[np.intp]

    @classmethod
    def of(cls, first_week: date, rows: _Rows) -> PoolSnapshot:
        competency_ids, competency_index = np.unique(rows.held_competency_ids, return_inverse=True)
        role_ids, role_index = np.unique(rows.experienced_role_ids, return_inverse=True)
        return cls(
            first_week=first_week,
            rows=rows,
            held_at=np.searchsorted(rows.member_ids, rows.held_member_ids),
            experienced_at=np.searchsorted(rows.member_ids, rows.experienced_member_ids),
            competency_ids=competency_ids,
            held_code=competency_index * LEVELS + rows.held_levels,
            role_ids=role_ids,
            experienced_index=role_index,
        )

    def stale(
        self, member_ids: NDArray[np.int64], revisions: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """Which of these members (sorted by id) this snapshot lacks, or holds at another
        revision."""
        if not len(self.rows.member_ids):
            return member_ids
        index, known = _index_in(self.rows.member_ids, member_ids)
        return member_ids[~(known & (self.rows.revisions[index] == revisions))]

    def updated(self, asked: NDArray[np.int64], rows: _Rows) -> PoolSnapshot:
        """This snapshot with the members `asked` for read again into `rows`: replaced,
        added when new, left out when `rows` lacks them (they are gone)."""
        old = self.rows
        keep = ~np.isin(old.member_ids, asked)
        keep_held = ~np.isin(old.held_member_ids, asked)
        keep_experienced = ~np.isin(old.experienced_member_ids, asked)
        member_ids = np.concatenate([old.member_ids[keep], rows.member_ids])
        order = np.argsort(member_ids, kind="stable")
        return PoolSnapshot.of(
            self.first_week,
            _Rows(
                member_ids=member_ids[order],
                revisions=np.concatenate([old.revisions[keep], rows.revisions])[order],
                mean_free=np.concatenate([old.mean_free[keep], rows.mean_free])[order],
                held_member_ids=np.concatenate(
                    [old.held_member_ids[keep_held], rows.held_member_ids]
                ),
                held_competency_ids=np.concatenate(
                    [old.held_competency_ids[keep_held], rows.held_competency_ids]
                ),
                held_levels=np.concatenate([old.held_levels[keep_held], rows.held_levels]),
                experienced_member_ids=np.concatenate(
                    [old.experienced_member_ids[keep_experienced], rows.experienced_member_ids]
                ),
                experienced_role_ids=np.concatenate(
                    [old.experienced_role_ids[keep_experienced], rows.experienced_role_ids]
                ),
            ),
        )

    def free_of(self, member_ids: NDArray[np.int64]) -> NDArray[np.float64]:
        """Mean free hours per member of the snapshot: those of `member_ids` (sorted, all
        in the snapshot), zero for everyone else."""
        hours = np.zeros(len(self.rows.member_ids))
        at = np.searchsorted(self.rows.member_ids, member_ids)
        hours[at] = self.rows.mean_free[at]
        return hours

    def role_supply(self, *, free: NDArray[np.float64], roles: list[int]) -> dict[int, Supply]:
        """Per role: the members with at least some experience in it."""
        hours, people = _sums(self.experienced_index, free[self.experienced_at], len(self.role_ids))
        return {role_id: _supply_at(self.role_ids, role_id, hours, people) for role_id in roles}

    def competency_supply(
        self, *, free: NDArray[np.float64], asked: list[tuple[int, int]]
    ) -> dict[tuple[int, int], Supply]:
        """Per (competency, minimum level): the members who hold it at that level or higher."""
        count = len(self.competency_ids)
        hours, people = _sums(self.held_code, free[self.held_at], count * LEVELS)
        # At a level or higher: the sums per level, added up from the highest level down.
        hours = np.flip(np.flip(hours.reshape(count, LEVELS), 1).cumsum(axis=1), 1)
        people = np.flip(np.flip(people.reshape(count, LEVELS), 1).cumsum(axis=1), 1)
        return {
            (competency_id, level): _supply_at(
                self.competency_ids, competency_id, hours[:, level], people[:, level]
            )
            for competency_id, level in asked
        }


def _supply_at(
    ids: NDArray[np.int64], wanted: int, hours: NDArray[np.float64], people: NDArray[np.int64]
) -> Supply:
    """The sums of one id of a sorted axis; nothing for an id nobody has."""
    at = int(np.searchsorted(ids, wanted))
    if at == len(ids) or ids[at] != wanted:
        return Supply(0.0, 0)
    return Supply(float(hours[at]), int(people[at]))


def _index_in(
    axis: NDArray[np.int64], values: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Each value's position on a sorted axis, and whether it is on it at all."""
    if not len(axis):
        return np.zeros(len(values), dtype=np.intp), np.zeros(len(values), dtype=bool)
    index = np.minimum(np.searchsorted(axis, values), len(axis) - 1)
    return index, axis[index] == values


def _sums(
    index: NDArray[np.intp], hours: NDArray[np.float64], length: int
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Hours and people with any, summed per index."""
    return (
        np.bincount(index, weights=hours, minlength=length),
        np.bincount(index, weights=hours > TOLERANCE, minlength=length).astype(np.int64),
    )


def _read(*, first_week: date, member_ids: list[int] | None) -> _Rows:
    """Read some members (everyone for None): six queries."""
    in_scope = Q() if member_ids is None else Q(member_id__in=member_ids)
    members = Member.objects.order_by()
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    rows = sorted(members.values_list("pk", "revision", "pool_hours"))
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    free = free_hours(ids, [row[2] for row in rows], in_scope, first_week, QUARTER_WEEKS)
    held = np.array(
        MemberCompetency.objects.filter(in_scope)
        .order_by()
        .values_list("member_id", "competency_id", "level"),
        dtype=np.int64,
    ).reshape(-1, 3)
    experienced = np.array(
        RoleExperience.objects.filter(in_scope, experience__gte=RoleExperience.Experience.SOME)
        .order_by()
        .values_list("member_id", "role_id"),
        dtype=np.int64,
    ).reshape(-1, 2)
    # Reading everyone, a member may join between the queries: only those read count.
    held = held[np.isin(held[:, 0], ids)]
    experienced = experienced[np.isin(experienced[:, 0], ids)]
    return _Rows(
        member_ids=ids,
        revisions=np.array([row[1] for row in rows], dtype=np.int64),
        mean_free=np.maximum(free, 0).mean(axis=1, dtype=np.float64),
        held_member_ids=held[:, 0],
        held_competency_ids=held[:, 1],
        held_levels=held[:, 2].astype(np.int8),
        experienced_member_ids=experienced[:, 0],
        experienced_role_ids=experienced[:, 1],
    )


# This process's snapshot, by the first week of its quarter (only the current one is kept);
# replaced whole, never changed in place.
_snapshots: dict[date, PoolSnapshot] = {}


def pool_snapshot(
    *, pool: QuerySet[Member], first_week: date
) -> tuple[PoolSnapshot, NDArray[np.int64]]:
    """A snapshot current for every member of `pool`, and their ids (sorted).

    One query when no member changed; six more to read the members whose revision moved,
    or everyone in a new week (or in a new process).
    """
    # As two arrays in one row: a row per member costs more to fetch than to find.
    scope = pool.order_by().aggregate(ids=ArrayAgg("pk"), revisions=ArrayAgg("revision"))
    member_ids = np.array(scope["ids"] or [], dtype=np.int64)  # None for an empty pool
    order = np.argsort(member_ids)
    revisions = np.array(scope["revisions"] or [], dtype=np.int64)[order]
    member_ids = member_ids[order]
    snapshot = _snapshots.get(first_week)
    if snapshot is None:
        snapshot = PoolSnapshot.of(first_week, _read(first_week=first_week, member_ids=None))
        _snapshots.clear()
    stale = snapshot.stale(member_ids, revisions)
    if len(stale) > REREAD_ALL_ABOVE:
        snapshot = PoolSnapshot.of(first_week, _read(first_week=first_week, member_ids=None))
    elif len(stale):
        snapshot = snapshot.updated(stale, _read(first_week=first_week, member_ids=stale.tolist()))
    _snapshots[first_week] = snapshot
    # A member deleted since the first query is not in the snapshot, nor in the pool.
    return snapshot, member_ids[_index_in(snapshot.rows.member_ids, member_ids)[1]]


def pool_snapshot_warm(*, today: date) -> None:
    """Read everyone into this process's snapshot for the quarter from `today`'s week,
    unless it holds one already. Six queries; views then read only what changed."""
    first_week = week_of(today)
    if first_week not in _snapshots:
        snapshot = PoolSnapshot.of(first_week, _read(first_week=first_week, member_ids=None))
        _snapshots.clear()
        _snapshots[first_week] = snapshot
