"""Recompute and store matches: for one member, one role request, or everything.

Every recompute is idempotent: it re-reads the database, writes the same rows for the
same state, and clears the stale mark only if no newer change set it meanwhile
(compare-and-set on `matches_stale_since`), so a duplicated or retried task does no harm
and a burst of edits costs one recompute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import orjson
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from numpy.typing import NDArray

from assignments.matching.adapter import (
    SCORING_SETTINGS,
    LoadedProblem,
    load_problem,
    member_rows,
    member_side_from,
    member_statements,
    open_requests_side,
    open_role_requests,
    positions_on,
    request_side_of,
    request_statements,
    week_of,
)
from assignments.matching.autostaff import StaffingProblem, StaffingResult, autostaff, greedy
from assignments.matching.core import explain_pairs, score_block, top_k
from assignments.models import ACTIVE_STATES, Match, RoleRequest
from assignments.pool_supply import pool_snapshot
from config.celery import enqueue
from config.db import Statement, run_together
from pool.models import Member
from pool.services import member_matches_invalidate

REQUEST_TOP = 50
MEMBER_TOP = 10
RECOMPUTE_REQUEST_TASK = "assignments.recompute_request_matches"
# A recompute's commit returns before its WAL reaches the disk. What it writes can always
# be computed again: should the server crash in that fraction of a second, the member or
# request is still marked stale (the clearing of the mark is lost with the rest) and the
# sweep recomputes it. It spares every recompute the wait for the disk, which a checkpoint
# stretched to whole seconds on the development machine.
_NO_WAIT_FOR_DISK = Statement("SET LOCAL synchronous_commit TO OFF")


@dataclass(frozen=True)
class Pair:
    request: int  # positions in the loaded problem
    member: int
    in_request_top: bool
    in_member_top: bool


# What a stored match keeps of the core's explanation: positions of the loaded problem
# (member, request) mean nothing once stored, and the rest is the row itself.
STORED_EXPLANATION = ("parts", "competencies", "hours", "role", "learning_goals")


def _explanations(loaded: LoadedProblem, pairs: list[Pair]) -> list[dict[str, Any]]:
    """Explanations with database ids instead of array positions, ready to store."""
    explained = explain_pairs(
        loaded.problem,
        np.array([p.member for p in pairs], dtype=np.intp),
        np.array([p.request for p in pairs], dtype=np.intp),
        competency_ids=loaded.competency_ids,
        role_ids=loaded.role_ids,
        decimals=2,
    )
    return [{key: item[key] for key in STORED_EXPLANATION} for item in explained]


def _upsert(
    loaded: LoadedProblem, pairs: list[Pair], scores: NDArray, now: datetime
) -> list[Statement]:
    """Upsert the given pairs; the flags of each row are set as given.

    All rows go as one JSON document: bulk_create sends an array per column, and psycopg
    adapting the explanations one by one took about as long as the statement itself.
    """
    if not pairs:
        return []
    explanations = _explanations(loaded, pairs)
    rows = [
        {
            "role_request_id": int(loaded.request_ids[p.request]),
            "member_id": int(loaded.member_ids[p.member]),
            "score": min(max(float(score), 0.0), 100.0),
            "explanation": explanation,
            "in_request_top": bool(p.in_request_top),
            "in_member_top": bool(p.in_member_top),
        }
        for p, score, explanation in zip(pairs, scores, explanations, strict=True)
    ]
    sql = """
        INSERT INTO assignments_match (role_request_id, member_id, score, explanation,
            in_request_top, in_member_top, computed_at)
        SELECT role_request_id, member_id, score, explanation, in_request_top,
            in_member_top, %s
        FROM jsonb_to_recordset(%s::jsonb) AS r(role_request_id bigint,
            member_id bigint, score double precision, explanation jsonb,
            in_request_top boolean, in_member_top boolean)
        ON CONFLICT (role_request_id, member_id) DO UPDATE SET
            score = excluded.score, explanation = excluded.explanation,
            in_request_top = excluded.in_request_top,
            in_member_top = excluded.in_member_top, computed_at = excluded.computed_at
    """
    return [Statement(sql, [now, orjson.dumps(rows).decode()])]


def _best(scores: NDArray, limit: int) -> NDArray[np.intp]:
    """Positions of the highest scores (NaN = no candidate), ties to the lower position."""
    candidates = np.flatnonzero(~np.isnan(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order[:limit]]


def _on_requests(
    request_ids: NDArray[np.int64], values: Iterable[tuple[int, float]]
) -> NDArray[np.float64]:
    """Per request of the sorted axis, the value given for its id; NaN for the others
    (and values of requests not on the axis are left out)."""
    given = np.array(list(values), dtype=np.float64).reshape(-1, 2)
    result = np.full(len(request_ids), np.nan)
    at, on_axis = positions_on(request_ids, given[:, 0].astype(np.int64))
    result[at[on_axis]] = given[on_axis, 1]
    return result


def _stale_locked(model, pk: int) -> Statement:
    """Lock a member's or role request's row and read its stale mark (no row: it is gone)."""
    return Statement(
        f"SELECT matches_stale_since FROM {model._meta.db_table}"  # noqa: S608 - a model's table
        " WHERE id = %s FOR UPDATE",
        [pk],
    )


def _stale_cleared(model, pk: int, stale_since: datetime | None) -> list[Statement]:
    """Clear the stale mark of a member or role request, unless a change set it anew."""
    if stale_since is None:
        return []
    table = model._meta.db_table
    return [
        Statement(
            f"UPDATE {table} SET matches_stale_since = NULL"  # noqa: S608 - a model's table
            " WHERE id = %s AND matches_stale_since = %s",
            [pk, stale_since],
        )
    ]


@transaction.atomic
def request_matches_recompute(*, role_request_id: int, today: date) -> None:
    """Score the whole pool against one role request and keep its best candidates.

    The members come from this process's snapshot of the pool: one query when no member
    changed, rather than reading all of them (210 ms at 20,000 members).
    """
    first_week = week_of(today)
    requests = open_role_requests(today=today).filter(pk=role_request_id)
    _, locked, stored, weights, organisations, *request_rows = run_together(
        [
            _NO_WAIT_FOR_DISK,
            _stale_locked(RoleRequest, role_request_id),
            # The request's rows, whose flag is tested here: with `in_member_top` in the
            # query, the planner may AND in the index of every member's best list (200,000
            # rows, 18 ms against 1 ms) when its statistics are old, as just after a rebuild.
            Statement(
                "SELECT member_id, in_member_top FROM assignments_match WHERE role_request_id = %s",
                [role_request_id],
            ),
            *SCORING_SETTINGS,
            *request_statements(requests),
        ]
    )
    stale_since = locked[0][0] if locked else None
    side = request_side_of(request_rows, first_week=first_week)
    if not len(side.request_ids):
        # Members who counted this request among their best ones need a new best list.
        orphaned = [member_id for member_id, in_member_top in stored if in_member_top]
        Match.objects.filter(role_request_id=role_request_id).delete()
        member_matches_invalidate(member_ids=orphaned)
        run_together(_stale_cleared(RoleRequest, role_request_id, stale_since))
        return
    snapshot, member_ids = pool_snapshot(
        pool=Member.objects.all(), first_week=first_week, weeks=side.weeks
    )
    loaded = load_problem(
        requests=side,
        members=snapshot.member_side(member_ids, side=side),
        today=today,
        settings=[weights, organisations],
    )
    scores = score_block(loaded.problem).scores[:, 0]
    top = set(_best(scores, REQUEST_TOP).tolist())
    # Members no longer in the pool are left out; their rows go below.
    at, in_pool = positions_on(
        loaded.member_ids,
        np.array([member_id for member_id, in_top in stored if in_top], dtype=np.int64),
    )
    member_top = set(at[in_pool].tolist())
    # A member whose best requests include this one keeps the row, with its new score,
    # as long as they are still a candidate; their own recompute re-ranks them later.
    positions = sorted(top | {m for m in member_top if not np.isnan(scores[m])})
    pairs = [Pair(0, m, m in top, m in member_top) for m in positions]
    ranked = _best(scores, REQUEST_TOP)
    floor = float(scores[ranked[-1]]) if len(ranked) == REQUEST_TOP else None
    run_together(
        [
            Statement(
                "DELETE FROM assignments_match"
                " WHERE role_request_id = %s AND NOT member_id = ANY(%s)",
                [role_request_id, [int(loaded.member_ids[m]) for m in positions]],
            ),
            *_upsert(loaded, pairs, scores[positions], timezone.now()),
            Statement(
                "UPDATE assignments_rolerequest SET match_floor = %s WHERE id = %s",
                [floor, role_request_id],
            ),
            *_stale_cleared(RoleRequest, role_request_id, stale_since),
        ]
    )


@transaction.atomic
def member_matches_recompute(*, member_id: int, today: date) -> None:
    """Score one member against every open role request and update both kinds of top list.

    Two round trips to the database, one to read and one to write: sent one by one, the
    dozen reads and half dozen writes took more than half of the time.
    """
    first_week = week_of(today)
    side = open_requests_side(today=today)
    _, locked, *member, floors, stored, weights, organisations = run_together(
        [
            _NO_WAIT_FOR_DISK,
            _stale_locked(Member, member_id),
            *member_statements([member_id], first_week, side.weeks),
            # Every request that has a floor, not the open ones by id: a list of 2,000 ids
            # took 34 ms at the median and 135 ms at p95 to send and plan, this 4 and 6 ms.
            Statement(
                "SELECT id, match_floor FROM assignments_rolerequest WHERE match_floor IS NOT NULL"
            ),
            Statement(
                "SELECT role_request_id, score, in_request_top FROM assignments_match"
                " WHERE member_id = %s",
                [member_id],
            ),
            *SCORING_SETTINGS,
        ]
    )
    if not locked:
        return
    stale_since = locked[0][0]
    loaded = load_problem(
        requests=side,
        members=member_side_from(member_rows(member, first_week, side.weeks), side=side),
        today=today,
        settings=[weights, organisations],
    )
    scores = score_block(loaded.problem).scores[0]
    request_ids = loaded.request_ids
    floor = _on_requests(request_ids, floors)
    old_score = _on_requests(request_ids, ((r, score) for r, score, _top in stored))
    was_in_top = _on_requests(request_ids, ((r, 1.0) for r, _score, top in stored if top)) == 1
    # A member already on a full list stays while at or above its floor; a newcomer must
    # beat the floor (and pushes the last one off). NaN (no candidate, no floor) compares
    # false.
    with np.errstate(invalid="ignore"):
        in_request_top = ~np.isnan(scores) & (
            np.isnan(floor) | (scores > floor) | (was_in_top & (scores >= floor))
        )
        # Someone outside the stored list may now rank above this member: refill it.
        refill = request_ids[was_in_top & (~in_request_top | (scores < old_score))].tolist()
    in_member_top = np.zeros(len(request_ids), dtype=bool)
    in_member_top[_best(scores, MEMBER_TOP)] = True
    positions = np.flatnonzero(in_request_top | in_member_top)
    pairs = [Pair(int(p), 0, in_request_top[p], in_member_top[p]) for p in positions]

    kept = set(request_ids[positions].tolist())
    gone = [r for r, _score, _top in stored if r not in kept]
    entered = request_ids[in_request_top & ~was_in_top].tolist()
    now = timezone.now()
    run_together(
        [
            Statement(
                "DELETE FROM assignments_match WHERE member_id = %s AND role_request_id = ANY(%s)",
                [member_id, gone],
            ),
            *_upsert(loaded, pairs, scores[positions], now),
            *_request_tops_trimmed(entered),
            *_floors_refreshed(entered + refill),
            *_stale_cleared(Member, member_id, stale_since),
            Statement(
                "UPDATE assignments_rolerequest SET matches_stale_since = %s WHERE id = ANY(%s)",
                [now, refill],
            ),
        ]
    )
    for request_id in refill:
        transaction.on_commit(
            lambda r=request_id: enqueue(RECOMPUTE_REQUEST_TASK, role_request_id=r)
        )


def _request_tops_trimmed(request_ids: list[int]) -> list[Statement]:
    """Keep at most REQUEST_TOP candidates per request after a member entered its list.

    Rows that fall off are deleted, unless they are among their member's best requests.
    """
    if not request_ids:
        return []
    sql = """
        WITH beyond AS (
            SELECT id FROM (
                SELECT id, row_number() OVER (
                    PARTITION BY role_request_id ORDER BY score DESC, member_id
                ) AS place
                FROM assignments_match
                WHERE in_request_top AND role_request_id = ANY(%s)
            ) ranked
            WHERE place > %s
        ), dropped AS (
            DELETE FROM assignments_match
            WHERE id IN (SELECT id FROM beyond) AND NOT in_member_top
        )
        UPDATE assignments_match SET in_request_top = false
        WHERE id IN (SELECT id FROM beyond) AND in_member_top
    """
    return [Statement(sql, [request_ids, REQUEST_TOP])]


def _floors_refreshed(request_ids: list[int] | None) -> list[Statement]:
    """Recompute `match_floor` of the given requests (None: all) from the stored lists."""
    if request_ids == []:
        return []
    sql = """
        UPDATE assignments_rolerequest r
        SET match_floor = CASE WHEN t.n >= %s THEN t.low END
        FROM (
            SELECT rr.id, count(m.id) AS n, min(m.score) AS low
            FROM assignments_rolerequest rr
            LEFT JOIN assignments_match m
                ON m.role_request_id = rr.id AND m.in_request_top
            WHERE %s OR rr.id = ANY(%s)
            GROUP BY rr.id
        ) t
        WHERE r.id = t.id
    """
    return [Statement(sql, [REQUEST_TOP, request_ids is None, request_ids or []])]


def matches_rebuild(*, today: date) -> int:
    """Recompute every stored match from scratch; returns the number of rows stored."""
    started = timezone.now()
    loaded = load_problem(
        requests=open_role_requests(today=today), members=Member.objects.all(), today=today
    )
    top = top_k(loaded.problem, per_request=REQUEST_TOP, per_member=MEMBER_TOP)
    flags: dict[tuple[int, int], list[bool]] = {}
    scores: dict[tuple[int, int], float] = {}
    for kind, matches in enumerate((top.by_request, top.by_member)):
        for request, member, score in zip(
            matches.request.tolist(),
            matches.member.tolist(),
            matches.score.tolist(),
            strict=True,
        ):
            flags.setdefault((request, member), [False, False])[kind] = True
            scores[(request, member)] = score
    pairs = [Pair(r, m, f[0], f[1]) for (r, m), f in flags.items()]
    explanations = _explanations(loaded, pairs)
    with transaction.atomic():
        Match.objects.all().delete()
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY assignments_match (role_request_id, member_id, score, explanation,"
                " in_request_top, in_member_top, computed_at) FROM STDIN"
            ) as copy,
        ):
            for pair, explanation in zip(pairs, explanations, strict=True):
                copy.write_row(
                    (
                        int(loaded.request_ids[pair.request]),
                        int(loaded.member_ids[pair.member]),
                        min(max(scores[(pair.request, pair.member)], 0.0), 100.0),
                        # orjson: 0.8 s for 100,000 explanations, json 3.7 s.
                        orjson.dumps(explanation).decode(),
                        pair.in_request_top,
                        pair.in_member_top,
                        started,
                    )
                )
        run_together(_floors_refreshed(None))
        stale_before = Q(matches_stale_since__lte=started)
        Member.objects.filter(stale_before).update(matches_stale_since=None)
        RoleRequest.objects.filter(stale_before).update(matches_stale_since=None)
    # Every row is new: the planner's statistics would describe the old table until
    # autovacuum came by, and plan the recomputes that follow by them.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assignments_match")
    return len(pairs)


@dataclass(frozen=True)
class Proposal:
    role_request_id: int
    member_id: int
    score: float
    explanation: dict[str, Any]  # as stored on a Match; explain.read words it


@dataclass(frozen=True)
class AutostaffOutcome:
    optimal: StaffingResult
    greedy: StaffingResult
    proposals: list[Proposal]  # from the optimal result


def autostaff_compute(
    *,
    requests: QuerySet[RoleRequest],
    members: QuerySet[Member],
    today: date,
    candidates_per_request: int = REQUEST_TOP,
    time_limit: float = 10.0,
) -> AutostaffOutcome:
    """Optimal proposals for the still-open places of `requests`; creates nothing.

    Candidates are each request's best `candidates_per_request` (in practice nothing is
    lost beyond the best 25–50); hours already accepted or confirmed are respected through
    the members' free hours, and places already taken are subtracted.
    """
    loaded = load_problem(requests=requests, members=members, today=today)
    top = top_k(loaded.problem, per_request=candidates_per_request, per_member=1).by_request
    taken = dict(
        RoleRequest.objects.filter(pk__in=loaded.request_ids.tolist())
        .annotate(taken=Count("assignments", filter=Q(assignments__state__in=ACTIVE_STATES)))
        .values_list("pk", "taken")
    )
    people = dict(requests.values_list("pk", "people"))
    problem = StaffingProblem(
        request=top.request,
        member=top.member,
        score=top.score,
        hours=loaded.problem.requests.hours,
        people=[max(0, people[int(r)] - taken.get(int(r), 0)) for r in loaded.request_ids],
        week_start=loaded.problem.requests.week_start,
        week_end=loaded.problem.requests.week_end,
        free_hours=np.maximum(loaded.problem.members.free_hours, 0),
    )
    optimal = autostaff(problem, time_limit=time_limit)
    chosen = [Pair(int(top.request[i]), int(top.member[i]), False, False) for i in optimal.pairs]
    return AutostaffOutcome(
        optimal=optimal,
        greedy=greedy(problem),
        proposals=[
            Proposal(
                role_request_id=int(loaded.request_ids[pair.request]),
                member_id=int(loaded.member_ids[pair.member]),
                score=float(top.score[i]),
                explanation=explanation,
            )
            for i, pair, explanation in zip(
                optimal.pairs, chosen, _explanations(loaded, chosen) if chosen else [], strict=True
            )
        ],
    )
