"""Vectorised scoring of pool members against role requests (DESIGN.md §6).

Everything here works on NumPy arrays indexed by position and imports no Django, so the
scoring can be tested and benchmarked on arrays alone; the Django adapter maps database
ids to positions, calls these functions and stores what they return.

Shapes: M members, R requests, C competencies, K roles, W weeks of the planning horizon,
O organisations.

A score is 100 × Σ weight·part / Σ weights used, every part in [0, 1]:

* competency: per requested competency min(level / min_level, 1), so a level below the
  minimum counts partly; the mean weighted by `required_factor` for required and
  `desired_factor` for desired competencies; 1.0 for a request that asks for none;
* role experience: experience / 3; role preference: preference / 2;
* availability: min(free / hours, 1), free being the member's fewest free hours in any
  week of the request;
* development, only for requests open to development that ask for competencies (for other
  requests its weight is left out of the denominator): the fraction of the requested
  competencies on which the member has a learning goal above their current level.

A member is a candidate for a request when they have free hours in every week of it, and
either belong to the request's organisation or are shareable while both organisations take
part in sharing. `score_block` gives non-candidates the score NaN; `top_k` leaves them out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

MAX_LEVEL = 4
MAX_EXPERIENCE = 3
MAX_PREFERENCE = 2

# Cells (requests × members) scored at once by top_k: about 16 MB per float32 temporary,
# so that the whole pass stays far below 2 GB whatever M is.
_CHUNK_CELLS = 4_000_000

_INT32_MAX = np.iinfo(np.int32).max


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _coerce(
    obj: object,
    name: str,
    dtype: type,
    ndim: int,
    low: float | None = None,
    high: float | None = None,
) -> None:
    """Store field `name` of a frozen dataclass as an array of `dtype`.

    The range is checked before casting because casting to int8 would silently wrap an
    out-of-range value into a valid-looking one; a NaN fails the range check.
    """
    array = np.asarray(getattr(obj, name))
    _require(array.ndim == ndim, f"{name}: expected {ndim} dimension(s), got {array.ndim}")
    if array.size and low is not None and high is not None:
        _require(
            bool(array.min() >= low and array.max() <= high),
            f"{name}: values must lie in [{low}, {high}]",
        )
    object.__setattr__(obj, name, array.astype(dtype, copy=False))


@dataclass(frozen=True, eq=False)
class Members:
    """Member-side inputs; row i of every array describes member i.

    levels: int8 M×C, 0 = competency not held, else level 1–4.
    role_experience: int8 M×K, 0 none … 3 extensive.
    role_preference: int8 M×K, 0 rather not, 1 neutral, 2 likes to.
    learning_targets: int8 M×C, 0 = no learning goal, else the target level 1–4.
    free_hours: float32 M×W, hours free for pool work per week, net of accepted and
        confirmed inzet; may be 0 (or negative when overbooked).
    organisation: int32 M, index into `MatchProblem.org_shares`.
    shareable: bool M, the member opted in to work for other organisations.

    Array-likes are converted to these dtypes on construction.
    """

    levels: NDArray[np.int8]
    role_experience: NDArray[np.int8]
    role_preference: NDArray[np.int8]
    learning_targets: NDArray[np.int8]
    free_hours: NDArray[np.float32]
    organisation: NDArray[np.int32]
    shareable: NDArray[np.bool_]

    def __post_init__(self) -> None:
        _coerce(self, "levels", np.int8, 2, 0, MAX_LEVEL)
        _coerce(self, "role_experience", np.int8, 2, 0, MAX_EXPERIENCE)
        _coerce(self, "role_preference", np.int8, 2, 0, MAX_PREFERENCE)
        _coerce(self, "learning_targets", np.int8, 2, 0, MAX_LEVEL)
        _coerce(self, "free_hours", np.float32, 2, -np.inf, np.inf)
        _coerce(self, "organisation", np.int32, 1, 0, _INT32_MAX)
        _coerce(self, "shareable", np.bool_, 1)
        m = self.organisation.shape[0]
        _require(self.levels.shape[0] == m, "levels must have one row per member")
        _require(
            self.learning_targets.shape == self.levels.shape,
            "learning_targets must have the shape of levels",
        )
        _require(self.role_experience.shape[0] == m, "role_experience: one row per member")
        _require(
            self.role_preference.shape == self.role_experience.shape,
            "role_preference must have the shape of role_experience",
        )
        _require(self.free_hours.shape[0] == m, "free_hours must have one row per member")
        _require(self.shareable.shape == (m,), "shareable must have one entry per member")


@dataclass(frozen=True, eq=False)
class Requests:
    """Request-side inputs; entry j of every array describes role request j.

    min_levels: int8 R×C, 0 = competency not asked, else the minimum level 1–4.
    required: bool R×C, True = required, False = desired; only read where min_levels > 0.
    role: int32 R, index into the K roles.
    hours: float32 R, hours per week asked (> 0).
    week_start, week_end: int32 R, half-open range of weeks of the horizon
        (0 <= week_start < week_end <= W).
    open_to_development: bool R, the request welcomes a stretch assignment.
    organisation: int32 R, index into `MatchProblem.org_shares`.

    Array-likes are converted to these dtypes on construction.
    """

    min_levels: NDArray[np.int8]
    required: NDArray[np.bool_]
    role: NDArray[np.int32]
    hours: NDArray[np.float32]
    week_start: NDArray[np.int32]
    week_end: NDArray[np.int32]
    open_to_development: NDArray[np.bool_]
    organisation: NDArray[np.int32]

    def __post_init__(self) -> None:
        _coerce(self, "min_levels", np.int8, 2, 0, MAX_LEVEL)
        _coerce(self, "required", np.bool_, 2)
        _coerce(self, "role", np.int32, 1, 0, _INT32_MAX)
        _coerce(self, "hours", np.float32, 1, 0, np.inf)
        _coerce(self, "week_start", np.int32, 1, 0, _INT32_MAX)
        _coerce(self, "week_end", np.int32, 1, 0, _INT32_MAX)
        _coerce(self, "open_to_development", np.bool_, 1)
        _coerce(self, "organisation", np.int32, 1, 0, _INT32_MAX)
        r = self.role.shape[0]
        _require(self.min_levels.shape[0] == r, "min_levels must have one row per request")
        _require(
            self.required.shape == self.min_levels.shape,
            "required must have the shape of min_levels",
        )
        for name in ("hours", "week_start", "week_end", "open_to_development", "organisation"):
            _require(getattr(self, name).shape == (r,), f"{name} must have one entry per request")
        _require(bool(np.all(self.hours > 0)), "hours must be positive")
        _require(bool(np.all(self.week_end > self.week_start)), "week_end must exceed week_start")
        # All requests prepared for scoring, per weights and sharing (_all_requests): built
        # once for a Requests kept across recomputes, as the adapter keeps the open ones.
        # The arrays must not change after construction.
        object.__setattr__(self, "_prepared", {})

    @cached_property
    def asked_entries(self) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
        """The competencies asked, request after request (the columns of min_levels' nonzero
        entries in row order), how many each request asks, and where its own start.

        Kept, like `_prepared`: finding them takes 2.6 ms at 2,000 requests, most of the
        explanations of one member's recompute.
        """
        rows, cols = np.nonzero(self.min_levels)
        asked = np.bincount(rows, minlength=self.min_levels.shape[0])
        return cols, asked, np.cumsum(asked) - asked


# The five parts of a score, and the two factors that weigh competencies within one.
WEIGHT_PARTS = ("competency", "role_experience", "role_preference", "availability", "development")
WEIGHT_FACTORS = ("required_factor", "desired_factor")

# What can be wrong with weights, as codes that a caller words in its own language.
NOT_FINITE = "not_finite"
NEGATIVE = "negative"
NOT_POSITIVE = "not_positive"
NO_POSITIVE_PART = "no_positive_part"
_PROBLEM_TEXT = {
    NOT_FINITE: "must be finite",
    NEGATIVE: "must not be negative",
    NOT_POSITIVE: "must be > 0",
    NO_POSITIVE_PART: "at least one of the weights other than development must be positive",
}


def weights_problems(values: Mapping[str, float]) -> dict[str, str]:
    """What is wrong with (some of) the weights: field name → problem code; {} if nothing.

    The rules of `Weights`, in one place, so that a form can show each problem at its field
    before building them. `values` may hold only some fields (the others failed to parse);
    the rule over several fields ("" in the result) is checked only when they are all there.
    """
    problems = {}
    for name, value in values.items():
        if not math.isfinite(value):
            problems[name] = NOT_FINITE
        elif value < 0:
            problems[name] = NEGATIVE
        # A zero factor would leave a request asking only desired competencies without a
        # competency weight to average over.
        elif value == 0 and name in WEIGHT_FACTORS:
            problems[name] = NOT_POSITIVE
    # Development counts only for some requests; without another part the rest would score
    # 0 / 0.
    others = [name for name in WEIGHT_PARTS if name != "development"]
    complete = all(name in values and name not in problems for name in others)
    if complete and sum(values[name] for name in others) <= 0:
        problems[""] = NO_POSITIVE_PART
    return problems


class WeightsError(ValueError):
    """Weights that scoring cannot use; `problems` as `weights_problems` returns them."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(
            "; ".join(
                f"{name or 'weights'}: {_PROBLEM_TEXT[code]}" for name, code in problems.items()
            )
        )


@dataclass(frozen=True)
class Weights:
    """Scoring weights, stored as JSON configuration that HR advisors can see.

    The five part weights are relative (the score divides by the sum of those used);
    `required_factor` and `desired_factor` weigh competencies within the competency part.
    """

    competency: float = 50.0
    role_experience: float = 10.0
    role_preference: float = 5.0
    availability: float = 25.0
    development: float = 10.0
    required_factor: float = 2.0
    desired_factor: float = 1.0

    def __post_init__(self) -> None:
        if problems := weights_problems(self.as_dict()):
            raise WeightsError(problems)

    @classmethod
    def from_dict(cls, data: Mapping[str, float]) -> Weights:
        """Weights from stored configuration; missing keys take their default.

        Unknown keys raise ValueError, so that a misspelt key does not silently fall back to
        the default.
        """
        unknown = set(data) - {f.name for f in fields(cls)}
        _require(not unknown, f"unknown weights: {', '.join(sorted(unknown))}")
        return cls(**{key: float(value) for key, value in data.items()})

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class MatchProblem:
    """Everything scoring needs: members, requests, sharing per organisation and weights.

    org_shares: bool O, the organisation takes part in sharing members.
    """

    members: Members
    requests: Requests
    org_shares: NDArray[np.bool_]
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        _coerce(self, "org_shares", np.bool_, 1)
        members, requests = self.members, self.requests
        _require(
            members.levels.shape[1] == requests.min_levels.shape[1],
            "members and requests must share the competency axis",
        )
        _require(
            bool(np.all(requests.role < members.role_experience.shape[1])),
            "role out of range",
        )
        _require(
            bool(np.all(requests.week_end <= members.free_hours.shape[1])),
            "week_end beyond the free_hours horizon",
        )
        organisations = self.org_shares.shape[0]
        _require(
            bool(np.all(members.organisation < organisations))
            and bool(np.all(requests.organisation < organisations)),
            "organisation out of range of org_shares",
        )


@dataclass(frozen=True, eq=False)
class ScoreBlock:
    """Scores of `members` (rows) against `requests` (columns).

    scores: float32 len(members) × len(requests) in [0, 100]; NaN where not a candidate.
    candidate: bool, same shape.
    """

    members: NDArray[np.intp]
    requests: NDArray[np.intp]
    scores: NDArray[np.float32]
    candidate: NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Matches:
    """Parallel arrays of (request, member, score) triples of candidates."""

    request: NDArray[np.intp]
    member: NDArray[np.intp]
    score: NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class TopK:
    """The best candidates per request and the best requests per member.

    by_request: sorted by request, then score descending, then member.
    by_member: sorted by member, then score descending, then request.
    Equal scores go to the lower index, so recomputing unchanged data stores the same rows.
    """

    by_request: Matches
    by_member: Matches


@dataclass(frozen=True, eq=False)
class _MemberSide:
    """Member arrays laid out with one column per member, ready to multiply into scores.

    fit: (MAX_LEVEL·C) × m; row (L-1)·C + c holds min(level_c / L, 1), the fit on
        competency c for a request whose minimum level is L.
    goal: C × m; 1 where the member's learning target exceeds their current level.
    free: m × W, as the members' free hours are given (see _min_free).
    """

    fit: NDArray[np.float32]
    goal: NDArray[np.float32]
    experience: NDArray[np.float32]
    preference: NDArray[np.float32]
    free: NDArray[np.float32]
    organisation: NDArray[np.int32]
    shares: NDArray[np.bool_]

    @cached_property
    def free_by_week(self) -> NDArray[np.float32]:
        """free as W × m, in which the minimum over a range of weeks runs over whole rows."""
        return np.ascontiguousarray(self.free.T)

    @classmethod
    def build(cls, problem: MatchProblem, index: NDArray[np.intp] | None) -> _MemberSide:
        """The members at `index`, or all of them (None: no copy of what needs none)."""
        members = problem.members
        if index is None:
            index = slice(None)
        # C-contiguous, because scipy copies a non-contiguous right-hand side on every product.
        levels = np.ascontiguousarray(members.levels[index].T, dtype=np.float32)
        fit = np.concatenate([np.minimum(levels / level, 1.0) for level in range(1, MAX_LEVEL + 1)])
        organisation = members.organisation[index]
        return cls(
            fit=fit,
            goal=(levels < members.learning_targets[index].T).astype(np.float32),
            experience=np.ascontiguousarray(members.role_experience[index].T)
            / np.float32(MAX_EXPERIENCE),
            preference=np.ascontiguousarray(members.role_preference[index].T)
            / np.float32(MAX_PREFERENCE),
            free=members.free_hours[index],
            organisation=organisation,
            shares=members.shareable[index] & problem.org_shares[organisation],
        )


@dataclass(frozen=True, eq=False)
class _RequestSide:
    """Request arrays for one block of requests.

    competency: sparse r × (MAX_LEVEL·C); row j holds request j's competency weights,
        normalised to sum to 1, at column (min_level-1)·C + c, so that `competency @ fit`
        is the competency part without ever forming requests × members × competencies.
    development: sparse r × C; 1/n at each of the n requested competencies for requests
        that use the development part, empty rows for the others.
    denominator: the sum of the weights used per request.
    """

    competency: sparse.csr_array
    asks_competencies: NDArray[np.bool_]
    development: sparse.csr_array
    denominator: NDArray[np.float32]
    role: NDArray[np.int32]
    hours: NDArray[np.float32]
    week_start: NDArray[np.int32]
    week_end: NDArray[np.int32]
    organisation: NDArray[np.int32]
    shares: NDArray[np.bool_]

    @classmethod
    def build(cls, problem: MatchProblem, index: NDArray[np.intp]) -> _RequestSide:
        requests, weights = problem.requests, problem.weights
        min_levels = requests.min_levels[index]
        r, c = min_levels.shape
        rows, cols = np.nonzero(min_levels)
        weight = np.where(
            requests.required[index][rows, cols], weights.required_factor, weights.desired_factor
        )
        total = np.bincount(rows, weight, minlength=r)
        competency = sparse.csr_array(
            (weight / total[rows], (rows, (min_levels[rows, cols].astype(np.intp) - 1) * c + cols)),
            shape=(r, MAX_LEVEL * c),
            dtype=np.float32,
        )
        asked = np.bincount(rows, minlength=r)
        uses_development = requests.open_to_development[index] & (asked > 0)
        used = uses_development[rows]
        development = sparse.csr_array(
            (1.0 / asked[rows[used]], (rows[used], cols[used])), shape=(r, c), dtype=np.float32
        )
        organisation = requests.organisation[index]
        return cls(
            competency=competency,
            asks_competencies=asked > 0,
            development=development,
            denominator=(_base_weight(weights) + weights.development * uses_development).astype(
                np.float32
            ),
            role=requests.role[index],
            hours=requests.hours[index],
            week_start=requests.week_start[index],
            week_end=requests.week_end[index],
            organisation=organisation,
            shares=problem.org_shares[organisation],
        )


def _base_weight(weights: Weights) -> float:
    """Sum of the weights every request uses (all but development)."""
    return (
        weights.competency
        + weights.role_experience
        + weights.role_preference
        + weights.availability
    )


# Up to this many week ranges, their minimum is taken on members × weeks as given; beyond,
# on a transposed copy, in which one range costs 0.08 ms instead of 2.3 (20,000 members,
# 20 weeks) but the copy 5 ms.
_FEW_RANGES = 2


def _min_free(
    members: _MemberSide, start: NDArray[np.int32], end: NDArray[np.int32]
) -> NDArray[np.float32]:
    """Fewest free hours in any week of each request (r × m).

    Requests share few distinct week ranges, so the minimum is taken once per range.
    """
    # One integer per range: np.unique over rows (axis=0) is several times slower.
    keys, inverse = np.unique(
        start.astype(np.int64) << 32 | end.astype(np.int64), return_inverse=True
    )
    per_range = np.empty((len(keys), members.free.shape[0]), dtype=np.float32)
    ranges = zip((keys >> 32).tolist(), (keys & 0xFFFFFFFF).tolist(), strict=True)
    if len(keys) <= _FEW_RANGES:
        for i, (a, b) in enumerate(ranges):
            per_range[i] = members.free[:, a:b].min(axis=1)
    else:
        by_week = members.free_by_week
        for i, (a, b) in enumerate(ranges):
            per_range[i] = by_week[a:b].min(axis=0)
    return per_range[inverse.reshape(-1)]


def _score(
    members: _MemberSide, requests: _RequestSide, weights: Weights
) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """Scores (r × m, in [0, 100], also for non-candidates) and the candidate mask.

    Works in place on one r × m array where it can, to bound memory per block.
    """
    total = np.asarray(requests.competency @ members.fit, dtype=np.float32)
    total[~requests.asks_competencies] = 1.0
    total *= weights.competency
    total += weights.role_experience * members.experience[requests.role]
    total += weights.role_preference * members.preference[requests.role]
    free = _min_free(members, requests.week_start, requests.week_end)
    total += weights.availability * np.clip(free / requests.hours[:, None], 0.0, 1.0)
    total += weights.development * np.asarray(requests.development @ members.goal)
    total *= 100.0 / requests.denominator[:, None]
    np.clip(total, 0.0, 100.0, out=total)
    same_organisation = requests.organisation[:, None] == members.organisation[None, :]
    shared = requests.shares[:, None] & members.shares[None, :]
    return total, (free > 0) & (same_organisation | shared)


def _all_requests(problem: MatchProblem) -> _RequestSide:
    """Every request of the problem prepared for scoring; kept on its Requests."""
    key = (problem.weights, problem.org_shares.tobytes())
    prepared = problem.requests._prepared  # type: ignore[attr-defined]
    side = prepared.get(key)
    if side is None:
        side = _RequestSide.build(problem, np.arange(problem.requests.role.shape[0]))
        prepared.clear()
        prepared[key] = side
    return side


def _indices(selection: ArrayLike | None, size: int) -> NDArray[np.intp]:
    if selection is None:
        return np.arange(size)
    index = np.asarray(selection, dtype=np.intp).reshape(-1)
    _require(bool(np.all((index >= 0) & (index < size))), "index out of range")
    return index


def score_block(
    problem: MatchProblem,
    *,
    members: ArrayLike | None = None,
    requests: ArrayLike | None = None,
) -> ScoreBlock:
    """Score the selected members against the selected requests (default: all of either).

    Meant for recomputing what one change affects: all members × the requests that
    changed, or all requests × the members that changed. Memory is
    len(members) × len(requests) floats; use `top_k` for the full problem.
    """
    member_index = _indices(members, problem.members.organisation.shape[0])
    request_index = _indices(requests, problem.requests.role.shape[0])
    scores, candidate = _score(
        _MemberSide.build(problem, None if members is None else member_index),
        _all_requests(problem) if requests is None else _RequestSide.build(problem, request_index),
        problem.weights,
    )
    scores[~candidate] = np.nan
    return ScoreBlock(
        members=member_index, requests=request_index, scores=scores.T, candidate=candidate.T
    )


def _top_per_row(
    values: NDArray[np.float32], k: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Per row, the columns of the k largest finite values, best first.

    Returns (row, column, rank within row), sorted by row then rank. Ties go to the lower
    column, so the outcome does not depend on how np.partition happens to order equal
    values. -inf marks entries that must not be chosen.
    """
    n = values.shape[1]
    kth = np.partition(values, n - k, axis=1)[:, n - k : n - k + 1] if k < n else -np.inf
    # At least the smallest finite value, so that a row with fewer than k finite values
    # does not keep its -inf entries.
    keep = values >= np.maximum(kth, np.finfo(values.dtype).min)
    rows, cols = np.nonzero(keep)
    order = np.lexsort((cols, -values[rows, cols], rows))
    rows, cols = rows[order], cols[order]
    rank = np.arange(rows.size) - np.searchsorted(rows, rows)
    best = rank < k
    return rows[best], cols[best], rank[best]


def top_k(
    problem: MatchProblem,
    *,
    per_request: int = 50,
    per_member: int = 20,
    chunk_size: int | None = None,
) -> TopK:
    """The `per_request` best candidates of every request and `per_member` best requests
    of every member, scoring requests in chunks of `chunk_size` so memory stays bounded.

    The default chunk size keeps a chunk at about 4 million member × request cells.
    """
    _require(per_request >= 1 and per_member >= 1, "k must be at least 1")
    m = problem.members.organisation.shape[0]
    r = problem.requests.role.shape[0]
    chunk = chunk_size or max(1, _CHUNK_CELLS // max(m, 1))
    member_side = _MemberSide.build(problem, None)

    found_request: list[NDArray[np.intp]] = [np.empty(0, np.intp)]
    found_member: list[NDArray[np.intp]] = [np.empty(0, np.intp)]
    found_score: list[NDArray[np.float32]] = [np.empty(0, np.float32)]
    # Running best requests per member, best first. Each chunk is merged in as columns
    # after them; earlier chunks hold lower request indices, so _top_per_row's tie rule
    # (lower column first) keeps equal scores ordered by request index.
    best_score = np.full((m, per_member), -np.inf, dtype=np.float32)
    best_request = np.full((m, per_member), -1, dtype=np.intp)
    for start in range(0, r, chunk):
        index = np.arange(start, min(start + chunk, r))
        scores, candidate = _score(member_side, _RequestSide.build(problem, index), problem.weights)
        scores[~candidate] = -np.inf

        rows, cols, _ = _top_per_row(scores, per_request)
        found_request.append(index[rows])
        found_member.append(cols)
        found_score.append(scores[rows, cols])

        merged = np.concatenate([best_score, scores.T], axis=1)
        rows, cols, rank = _top_per_row(merged, per_member)
        requests = np.where(
            cols >= per_member,
            index[np.maximum(cols - per_member, 0)],
            best_request[rows, np.minimum(cols, per_member - 1)],
        )
        best_score.fill(-np.inf)
        best_score[rows, rank] = merged[rows, cols]
        best_request[rows, rank] = requests

    by_request = Matches(
        request=np.concatenate(found_request),
        member=np.concatenate(found_member),
        score=np.concatenate(found_score),
    )
    member_rows, member_ranks = np.nonzero(np.isfinite(best_score))
    by_member = Matches(
        request=best_request[member_rows, member_ranks],
        member=member_rows,
        score=best_score[member_rows, member_ranks],
    )
    return TopK(by_request=by_request, by_member=by_member)


@dataclass(frozen=True, eq=False)
class _Requested:
    """The requested competencies of a list of pairs, flattened to one entry per
    (pair, requested competency); entries bounds[i]:bounds[i + 1] belong to pair i."""

    pair: NDArray[np.intp]
    competency: NDArray[np.intp]
    min_level: NDArray[np.int8]
    level: NDArray[np.int8]
    required: NDArray[np.bool_]
    learning_target: NDArray[np.int8]
    bounds: NDArray[np.intp]

    @classmethod
    def build(
        cls, problem: MatchProblem, mem: NDArray[np.intp], req: NDArray[np.intp]
    ) -> _Requested:
        min_levels = problem.requests.min_levels
        cols, asked, first_of_request = problem.requests.asked_entries
        count = asked[req]
        bounds = np.concatenate([[0], np.cumsum(count)])
        pair = np.repeat(np.arange(req.size), count)
        competency = cols[first_of_request[req][pair] + np.arange(pair.size) - bounds[pair]]
        return cls(
            pair=pair,
            competency=competency,
            min_level=min_levels[req[pair], competency],
            level=problem.members.levels[mem[pair], competency],
            required=problem.requests.required[req[pair], competency],
            learning_target=problem.members.learning_targets[mem[pair], competency],
            bounds=bounds,
        )


def explain_pairs(
    problem: MatchProblem,
    members: ArrayLike,
    requests: ArrayLike,
    *,
    competency_ids: ArrayLike | None = None,
    role_ids: ArrayLike | None = None,
    decimals: int | None = None,
) -> list[dict[str, Any]]:
    """Explanations of the (members[i], requests[i]) pairs as JSON-serialisable dicts.

    Plain data and no prose, so the UI can word and translate it. Per pair::

        {"member": 3, "request": 7, "candidate": True, "score": 81.3,  # None if no candidate
         "parts": {"competency": {"value": 0.83, "weight": 50.0}, "role_experience": ...,
                   "role_preference": ..., "availability": ..., "development": ...},
         "competencies": [{"competency": 12, "min_level": 3, "level": 2, "required": True,
                           "status": "short", "learning_target": 3}, ...],
         "hours": {"free": 12.0, "requested": 16.0},
         "role": {"role": 2, "experience": 1, "preference": 2},
         "learning_goals": [12],
         "organisation": {"member": 0, "request": 1, "allowed": True}}

    score == 100 × Σ weight·value / Σ weight over "parts" (equal to score_block's score up
    to float32 rounding); a part with weight 0 is not used. "status" is "met", "short" (held
    below the minimum) or "missing" (not held). "learning_goals" lists the requested
    competencies that count for the development part, empty when that part is not used.

    `competency_ids` and `role_ids`, when given, name competencies and roles by entry c of
    them rather than by their position c (a caller's database ids); `decimals` rounds the
    parts' values and the hours. A caller storing many explanations so saves going over
    them again.
    """
    weights = problem.weights
    mem = _indices(members, problem.members.organisation.shape[0])
    req = _indices(requests, problem.requests.role.shape[0])
    _require(mem.shape == req.shape, "members and requests must pair up")
    n = mem.size
    asked = _Requested.build(problem, mem, req)
    count = np.diff(asked.bounds)

    level = asked.level.astype(np.float64)
    factor = np.where(asked.required, weights.required_factor, weights.desired_factor)
    fit = np.minimum(level / asked.min_level, 1.0)
    competency = np.ones(n)
    np.divide(
        np.bincount(asked.pair, factor * fit, n),
        np.bincount(asked.pair, factor, n),
        out=competency,
        where=count > 0,
    )
    uses_development = problem.requests.open_to_development[req] & (count > 0)
    goal = (asked.learning_target > asked.level) & uses_development[asked.pair]
    development = np.bincount(asked.pair, goal, n) / np.maximum(count, 1)
    development_weight = np.where(uses_development, weights.development, 0.0)

    role = problem.requests.role[req]
    experience = problem.members.role_experience[mem, role]
    preference = problem.members.role_preference[mem, role]
    weeks = np.arange(problem.members.free_hours.shape[1])
    start, end = problem.requests.week_start[req, None], problem.requests.week_end[req, None]
    in_request = (weeks >= start) & (weeks < end)
    free = np.where(in_request, problem.members.free_hours[mem], np.inf).min(axis=1)
    hours = problem.requests.hours[req]
    parts = {
        "competency": (competency, np.full(n, weights.competency)),
        "role_experience": (experience / MAX_EXPERIENCE, np.full(n, weights.role_experience)),
        "role_preference": (preference / MAX_PREFERENCE, np.full(n, weights.role_preference)),
        "availability": (np.clip(free / hours, 0.0, 1.0), np.full(n, weights.availability)),
        "development": (development, development_weight),
    }
    numerator = sum(value * weight for value, weight in parts.values())
    score = np.clip(100.0 * numerator / (_base_weight(weights) + development_weight), 0, 100)

    member_org = problem.members.organisation[mem]
    request_org = problem.requests.organisation[req]
    allowed = (member_org == request_org) | (
        problem.members.shareable[mem]
        & problem.org_shares[member_org]
        & problem.org_shares[request_org]
    )
    candidate = allowed & (free > 0)
    status = np.where(
        asked.level >= asked.min_level, "met", np.where(asked.level > 0, "short", "missing")
    )

    # Python lists from here on: NumPy scalars are slow to put in dicts and do not
    # serialise to JSON.
    def rounded(values: NDArray) -> list:
        listed = values.tolist()
        return listed if decimals is None else [round(value, decimals) for value in listed]

    competency_names = (
        asked.competency if competency_ids is None else np.asarray(competency_ids)[asked.competency]
    )
    competencies = [
        {
            "competency": c,
            "min_level": minimum,
            "level": held,
            "required": is_required,
            "status": state,
            "learning_target": target,
        }
        for c, minimum, held, is_required, state, target in zip(
            competency_names.tolist(),
            asked.min_level.tolist(),
            asked.level.tolist(),
            asked.required.tolist(),
            status.tolist(),
            asked.learning_target.tolist(),
            strict=True,
        )
    ]
    goals = competency_names[goal].tolist()
    goal_bounds = np.concatenate([[0], np.cumsum(np.bincount(asked.pair[goal], minlength=n))])
    part_lists = {
        name: (rounded(value), weight.tolist()) for name, (value, weight) in parts.items()
    }
    col = {
        name: array.tolist()
        for name, array in {
            "member": mem,
            "request": req,
            "candidate": candidate,
            "score": score,
            "bounds": asked.bounds,
            "goal_bounds": goal_bounds,
            "role": role if role_ids is None else np.asarray(role_ids)[role],
            "experience": experience,
            "preference": preference,
            "member_org": member_org,
            "request_org": request_org,
            "allowed": allowed,
        }.items()
    }
    free_hours, requested_hours = rounded(free), rounded(hours)
    return [
        {
            "member": col["member"][i],
            "request": col["request"][i],
            "candidate": col["candidate"][i],
            "score": col["score"][i] if col["candidate"][i] else None,
            "parts": {
                name: {"value": values[i], "weight": part_weights[i]}
                for name, (values, part_weights) in part_lists.items()
            },
            "competencies": competencies[col["bounds"][i] : col["bounds"][i + 1]],
            "hours": {"free": free_hours[i], "requested": requested_hours[i]},
            "role": {
                "role": col["role"][i],
                "experience": col["experience"][i],
                "preference": col["preference"][i],
            },
            "learning_goals": goals[col["goal_bounds"][i] : col["goal_bounds"][i + 1]],
            "organisation": {
                "member": col["member_org"][i],
                "request": col["request_org"][i],
                "allowed": col["allowed"][i],
            },
        }
        for i in range(n)
    ]


def explain(problem: MatchProblem, member: int, request: int) -> dict[str, Any]:
    """Explanation of one member × request pair; see `explain_pairs` for the format."""
    return explain_pairs(problem, [member], [request])[0]
