"""Auto-staffing: choose members for all open role requests at once (DESIGN.md §6).

The choice is an optimisation, not a greedy pass: first fill as many slots as possible,
then, among the ways to fill that many, maximise the total score, never booking a member
for more hours in a week than they have free. It is solved as two integer programs with
HiGHS (`scipy.optimize.milp`), the second started from its linear relaxation, which
proves how far from optimal the result can be when time runs out. `greedy` is the
request-by-request baseline the optimum is compared against in the UI. Proposals only:
nothing here confirms anything.

Like `core`, this module works on arrays by position and imports no Django.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

# Hours of slack when comparing booked with free hours, so that float rounding in the
# inputs or in the solver's solution does not reject an exact fit.
TOLERANCE = 1e-6

# The share of the time limit held back from the last integer program: HiGHS finishes the
# node it is on before it stops, 0.7 s and more past its limit on the benchmark (a tenth
# left the scarce pool at 9.4–10.4 s; 0.15 gave 8.8–9.1 s with the same result), and up to
# 2.8 s on a slower machine, where 0.15 let the full pool take 11.3 s.
_OVERRUN_SHARE = 0.3

# Member × week × week cells per block when finding the capacity rows that can bind.
_DOMINANCE_CELLS = 4_000_000


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True, eq=False)
class StaffingProblem:
    """Candidate pairs and the capacities they compete for.

    Per candidate pair (P), e.g. `core.top_k(...).by_request`:
        request, member: int, positions of the request and the member;
        score: float, the pair's score (finite).
    Per request (R), indexed by `request`:
        hours: float, hours per week asked (> 0);
        people: int, how many members the request still needs (>= 0);
        week_start, week_end: int, half-open week range (0 <= start < end <= W).
    Per member (M), indexed by `member`:
        free_hours: float M×W, free hours per week, net of accepted and confirmed inzet.

    Array-likes are converted on construction; pairs must be distinct.
    """

    request: NDArray[np.intp]
    member: NDArray[np.intp]
    score: NDArray[np.float64]
    hours: NDArray[np.float64]
    people: NDArray[np.intp]
    week_start: NDArray[np.intp]
    week_end: NDArray[np.intp]
    free_hours: NDArray[np.float64]

    def __post_init__(self) -> None:
        for name, dtype in (
            ("request", np.intp),
            ("member", np.intp),
            ("score", np.float64),
            ("hours", np.float64),
            ("people", np.intp),
            ("week_start", np.intp),
            ("week_end", np.intp),
            ("free_hours", np.float64),
        ):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=dtype))
        _require(self.free_hours.ndim == 2, "free_hours must be members × weeks")
        p, r = self.request.shape[0], self.hours.shape[0]
        m, w = self.free_hours.shape
        _require(
            self.request.shape == self.member.shape == self.score.shape == (p,),
            "request, member and score must be parallel 1-d arrays",
        )
        _require(
            self.people.shape == self.week_start.shape == self.week_end.shape == (r,),
            "hours, people, week_start and week_end must be parallel 1-d arrays",
        )
        _require(bool(np.all((self.request >= 0) & (self.request < r))), "request out of range")
        _require(bool(np.all((self.member >= 0) & (self.member < m))), "member out of range")
        _require(bool(np.all(np.isfinite(self.score))), "scores must be finite")
        _require(bool(np.all(self.hours > 0)), "hours must be positive")
        _require(bool(np.all(self.people >= 0)), "people must not be negative")
        _require(
            bool(np.all((self.week_start >= 0) & (self.week_start < self.week_end)))
            and bool(np.all(self.week_end <= w)),
            "week ranges must be non-empty and within the free_hours horizon",
        )
        _require(not np.isnan(self.free_hours).any(), "free_hours must not be NaN")
        _require(np.unique(self.request * m + self.member).size == p, "pairs must be distinct")


@dataclass(frozen=True, eq=False)
class StaffingResult:
    """A proposed staffing.

    pairs: ascending positions into the problem's pair arrays of the chosen pairs.
    filled: number of chosen pairs (slots filled).
    objective: total score of the chosen pairs.
    optimal: proven lexicographically optimal (slots, then score within the MIP gap
        tolerance); always False for greedy.
    gap: (best bound on the total score − objective) / objective, from the score phase;
        None when unknown (greedy, or the score phase found no solution in time).
    seconds: wall-clock time taken.
    """

    pairs: NDArray[np.intp]
    filled: int
    objective: float
    optimal: bool
    gap: float | None
    seconds: float


def _fits_alone(problem: StaffingProblem) -> NDArray[np.bool_]:
    """Pairs that could be chosen if nothing else were: the request needs someone and the
    member has its hours free in every week of it."""
    request = problem.request
    weeks = np.arange(problem.free_hours.shape[1])
    active = (weeks >= problem.week_start[request, None]) & (
        weeks < problem.week_end[request, None]
    )
    free = np.where(active, problem.free_hours[problem.member], np.inf).min(axis=1)
    return (problem.people[request] > 0) & (problem.hours[request] <= free + TOLERANCE)


def _people_rows(
    request: NDArray[np.intp], people: NDArray[np.intp]
) -> tuple[sparse.csr_array, NDArray[np.float64]]:
    """Rows `Σ x ≤ people` for the requests that have more candidates than places."""
    counts = np.bincount(request, minlength=people.size)
    crowded = np.flatnonzero(counts > people)
    row_of_request = np.full(people.size, -1)
    row_of_request[crowded] = np.arange(crowded.size)
    variables = np.flatnonzero(row_of_request[request] >= 0)
    rows = sparse.csr_array(
        (np.ones(variables.size), (row_of_request[request[variables]], variables)),
        shape=(crowded.size, request.size),
    )
    return rows, people[crowded].astype(np.float64)


def _binding_weeks(
    owner: NDArray[np.intp],
    hours: NDArray[np.float64],
    week_start: NDArray[np.intp],
    week_end: NDArray[np.intp],
    free_hours: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """Which (member, week) capacity rows can bind, for a block of members (m × W).

    The row of week w sums the hours of the member's variables active in w. It is implied
    by the row of week v when every variable active in w is also active in v and v ranks
    before w by (free hours, more variables, earlier week): this keeps one row per distinct
    set, with the fewest free hours for that set, and drops subsets of tighter sets. A row
    whose variables fit together anyway never binds, and neither does a single variable's
    (every variable fits alone). Arguments are per variable, `owner` indexing the block.
    """
    m, weeks = free_hours.shape
    week = np.arange(weeks)
    # covering[i, a, weeks - e]: member i's variables that start in week a or before and
    # end at e or after (end indexed backwards, so that both sums run forwards).
    covering = np.zeros((m, weeks, weeks + 1), dtype=np.int32)
    np.add.at(covering, (owner, week_start, weeks - week_end), 1)
    covering = covering.cumsum(axis=1, dtype=np.int32).cumsum(axis=2, dtype=np.int32)
    # together[i, w, v]: variables active in both w and v, i.e. starting by the earlier
    # and ending after the later week.
    together = covering[:, np.minimum.outer(week, week), weeks - 1 - np.maximum.outer(week, week)]
    count = together[:, week, week]
    load = np.zeros((m, weeks + 1))
    np.add.at(load, (owner, week_start), hours)
    np.add.at(load, (owner, week_end), -hours)
    load = load.cumsum(axis=1)[:, :weeks]

    # [i, w, v]: v's set contains w's, and v ranks before w.
    contains = together == count[:, :, None]
    free_w, free_v = free_hours[:, :, None], free_hours[:, None, :]
    count_w, count_v = count[:, :, None], count[:, None, :]
    ranks_before = (free_v < free_w) | (
        (free_v == free_w) & ((count_v > count_w) | ((count_v == count_w) & (week < week[:, None])))
    )
    implied = (contains & ranks_before).any(axis=2)
    return (count >= 2) & (load > free_hours + TOLERANCE) & ~implied


def _capacity_rows(
    member: NDArray[np.intp],
    hours: NDArray[np.float64],
    week_start: NDArray[np.intp],
    week_end: NDArray[np.intp],
    free_hours: NDArray[np.float64],
) -> tuple[sparse.csr_array, NDArray[np.float64]]:
    """Rows `Σ hours·x ≤ free hours`, per member and week, that keep members from being
    overbooked; only the rows that can bind (see `_binding_weeks`) are built.

    Arguments are per variable: its member, and its request's hours and weeks.
    """
    n, weeks = member.size, free_hours.shape[1]
    owners, owner, variables_of = np.unique(member, return_inverse=True, return_counts=True)
    binding = np.zeros((owners.size, weeks), dtype=bool)
    # Members with a single variable have no row that can bind; the others go in blocks
    # that keep the member × week × week work arrays at a few tens of megabytes.
    several = np.flatnonzero(variables_of > 1)
    block = max(1, _DOMINANCE_CELLS // (weeks * weeks))
    for first in range(0, several.size, block):
        members = several[first : first + block]
        position = np.full(owners.size, -1)
        position[members] = np.arange(members.size)
        mine = np.flatnonzero(position[owner] >= 0)
        binding[members] = _binding_weeks(
            position[owner[mine]],
            hours[mine],
            week_start[mine],
            week_end[mine],
            free_hours[owners[members]],
        )

    # One entry per (variable, week it is active in a binding row), grouped by row.
    length = week_end - week_start
    variable = np.repeat(np.arange(n), length)
    week = (
        week_start[variable]
        + np.arange(variable.size)
        - np.repeat(np.cumsum(length) - length, length)
    )
    in_row = binding[owner[variable], week]
    variable, week = variable[in_row], week[in_row]
    key = owner[variable] * weeks + week
    order = np.argsort(key, kind="stable")  # stable: variables stay ascending within a row
    rows, row_of_entry = np.unique(key[order], return_inverse=True)
    indices = variable[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row_of_entry, minlength=rows.size))])
    matrix = sparse.csr_array((hours[indices], indices, indptr), shape=(rows.size, n))
    return matrix, free_hours[owners[rows // weeks], rows % weeks]


def _chosen(result: OptimizeResult, n: int) -> NDArray[np.bool_]:
    """The solver's 0/1 solution, or nothing chosen when it found no solution."""
    if result.x is None:
        return np.zeros(n, dtype=bool)
    return np.asarray(result.x) > 0.5


@dataclass(frozen=True)
class _Rows:
    """The constraint rows `lower ≤ matrix·x ≤ upper` over the candidate variables."""

    matrix: sparse.csr_array
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]

    def constraint(self) -> LinearConstraint:
        return LinearConstraint(self.matrix, self.lower, self.upper)


def _solve(
    score: NDArray[np.float64], rows: _Rows, *, integral: bool, time_limit: float, **options
) -> OptimizeResult:
    """Maximise `score·x` over 0 ≤ x ≤ 1 within `rows` with HiGHS, integral or relaxed.

    Presolve is off: with scores as costs HiGHS's presolve took 11 s on 2,000 requests ×
    50 candidates where the whole solve without it took 0.5 s, and presolve does not stop
    at the time limit (27 s against 5 s on the scarce benchmark).
    """
    return milp(
        -score,
        constraints=rows.constraint(),
        integrality=np.full(score.size, int(integral)),
        bounds=Bounds(0, 1),
        options={"time_limit": max(time_limit, 0.0), "presolve": False, **options},
    )


def _relax_and_fix(
    score: NDArray[np.float64], rows: _Rows, relaxed: NDArray[np.float64], time_limit: float
) -> NDArray[np.bool_]:
    """A good staffing from the relaxation's solution: keep the pairs it chose whole, and
    solve the integer program for the rest, over the pairs that still fit beside them.

    The relaxation chooses most pairs whole (about 2,100 of 2,300 places on the
    benchmark), so the remaining program is a few thousand variables and solves in well
    under a second, where the whole program does not finish within ten.
    """
    kept = relaxed > 1 - TOLERANCE
    used = rows.matrix @ kept.astype(np.float64)
    entries = rows.matrix.tocoo()
    too_big = entries.data > rows.upper[entries.row] - used[entries.row] + TOLERANCE
    free = ~kept
    free[entries.col[too_big]] = False
    columns = np.flatnonzero(free)
    if columns.size == 0:
        return kept
    matrix = rows.matrix[:, columns]
    touched = np.flatnonzero(np.diff(matrix.indptr) > 0)
    rest = _Rows(matrix[touched], (rows.lower - used)[touched], (rows.upper - used)[touched])
    result = _solve(score[columns], rest, integral=True, time_limit=time_limit)
    chosen = kept.copy()
    chosen[columns] = _chosen(result, columns.size)
    return chosen


def autostaff(
    problem: StaffingProblem, *, time_limit: float = 10.0, mip_rel_gap: float = 1e-4
) -> StaffingResult:
    """Lexicographically optimal staffing: most slots filled, then highest total score.

    Phase one maximises the number of chosen pairs (skipped when greedy already fills
    every place that has a candidate). Phase two maximises the total score while choosing
    at least that many: its linear relaxation gives the bound the gap is proven against
    and, rounded by `_relax_and_fix`, a staffing close to it; the integer program then
    gets the time left to close the gap to within `mip_rel_gap`. Phase one gets at most
    half of `time_limit` (seconds). On the time limit the best staffing found is returned
    with optimal=False and the gap it is proven to be within.
    """
    started = time.perf_counter()

    def left() -> float:
        return time_limit - (time.perf_counter() - started)

    variables = np.flatnonzero(_fits_alone(problem))
    n = variables.size
    request, member = problem.request[variables], problem.member[variables]
    if n == 0:
        return StaffingResult(
            pairs=variables,
            filled=0,
            objective=0.0,
            optimal=True,
            gap=0.0,
            seconds=time.perf_counter() - started,
        )

    people, people_limit = _people_rows(request, problem.people)
    capacity, capacity_limit = _capacity_rows(
        member,
        problem.hours[request],
        problem.week_start[request],
        problem.week_end[request],
        problem.free_hours,
    )
    upper = np.concatenate([people_limit, capacity_limit])
    limits = _Rows(
        sparse.vstack([people, capacity], format="csr"), np.full(upper.size, -np.inf), upper
    )

    # A relative gap below half a slot proves the count optimal, not merely near it.
    most_slots = int(
        np.minimum(np.bincount(request, minlength=problem.people.size), problem.people).sum()
    )
    baseline = greedy(problem)
    if baseline.filled == most_slots:
        # Greedy already fills every place that has a candidate: the count is optimal
        # without a solve, and the score phase gets the whole time.
        count_optimal, by_count = True, np.isin(variables, baseline.pairs)
    else:
        count_phase = _solve(
            np.ones(n),
            limits,
            integral=True,
            time_limit=time_limit / 2,
            mip_rel_gap=0.5 / (most_slots + 1),
        )
        count_optimal, by_count = count_phase.status == 0, _chosen(count_phase, n)

    score = problem.score[variables]
    slots = int(max(by_count.sum(), baseline.filled))
    rows = _Rows(
        sparse.vstack([limits.matrix, np.ones((1, n))], format="csr"),
        np.append(limits.lower, slots),
        np.append(limits.upper, np.inf),
    )
    proposals = [variables[by_count], baseline.pairs]
    bounds = []
    relaxing = time.perf_counter()
    relaxation = _solve(score, rows, integral=False, time_limit=left())
    relaxing = time.perf_counter() - relaxing
    if relaxation.status == 0:
        bounds.append(-relaxation.fun)
        proposals.append(variables[_relax_and_fix(score, rows, relaxation.x, left())])
    best_so_far = max(problem.score[pairs].sum() for pairs in proposals)
    proven = bool(bounds) and bool(bounds[0] - best_so_far <= mip_rel_gap * max(best_so_far, 1.0))
    # The integer program begins by solving the same relaxation: with less time left than
    # that took, it could only overrun its limit, not improve on what is proposed.
    if not proven and (budget := left() - _OVERRUN_SHARE * time_limit) > relaxing:
        program = _solve(score, rows, integral=True, time_limit=budget, mip_rel_gap=mip_rel_gap)
        proposals.append(variables[_chosen(program, n)])
        if program.mip_dual_bound is not None:  # of the minimised negative score
            bounds.append(-program.mip_dual_bound)
        proven = program.status == 0

    # Every proposal fills at least `slots` places except, on the time limit, the count
    # phase's: the best by (slots, score) is proposed, so auto-staffing never proposes
    # less than the greedy baseline, and the bounds hold for all that fill `slots`.
    best = max(proposals, key=lambda pairs: (pairs.size, problem.score[pairs].sum()))
    objective = float(problem.score[best].sum())
    return StaffingResult(
        pairs=best,
        filled=int(best.size),
        objective=objective,
        optimal=count_optimal and proven,
        gap=min(max(bound - objective, 0.0) for bound in bounds) / max(objective, 1.0)
        if bounds
        else None,
        seconds=time.perf_counter() - started,
    )


def greedy(problem: StaffingProblem, *, order: ArrayLike | None = None) -> StaffingResult:
    """Request by request in `order` (default: by position), take the best-scoring
    candidates that still fit in every week, up to the request's number of people.

    The baseline that shows what auto-staffing adds. Equal scores go to the lower member.
    """
    started = time.perf_counter()
    requests = np.arange(problem.hours.size) if order is None else np.asarray(order, np.intp)
    _require(
        np.unique(requests).size == requests.size
        and bool(np.all((requests >= 0) & (requests < problem.hours.size))),
        "order must list distinct requests",
    )
    remaining = problem.free_hours.copy()
    by_request = np.lexsort((problem.member, -problem.score, problem.request))
    bounds = np.searchsorted(problem.request[by_request], np.arange(problem.hours.size + 1))
    chosen: list[NDArray[np.intp]] = []
    for r in requests:
        candidates = by_request[bounds[r] : bounds[r + 1]]
        weeks = slice(problem.week_start[r], problem.week_end[r])
        hours = problem.hours[r]
        # A member appears once per request, so candidates of one request never compete
        # with each other for hours: check them all against what is left, then book.
        fits = np.all(remaining[problem.member[candidates], weeks] >= hours - TOLERANCE, axis=1)
        take = candidates[fits][: problem.people[r]]
        remaining[problem.member[take], weeks] -= hours
        chosen.append(take)
    pairs = np.sort(np.concatenate(chosen)) if chosen else np.empty(0, np.intp)
    return StaffingResult(
        pairs=pairs,
        filled=int(pairs.size),
        objective=float(problem.score[pairs].sum()),
        optimal=False,
        gap=None,
        seconds=time.perf_counter() - started,
    )
