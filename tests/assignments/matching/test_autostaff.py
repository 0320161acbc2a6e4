"""Tests of auto-staffing against brute force and hand-made instances; no database."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assignments.matching.autostaff import (
    StaffingProblem,
    StaffingResult,
    _capacity_rows,
    autostaff,
    greedy,
)


def bookings(problem: StaffingProblem, pairs: np.ndarray) -> np.ndarray:
    """Hours booked per member per week by the chosen pairs."""
    booked = np.zeros_like(problem.free_hours)
    for p in pairs:
        r = problem.request[p]
        booked[problem.member[p], problem.week_start[r] : problem.week_end[r]] += problem.hours[r]
    return booked


def is_feasible(problem: StaffingProblem, pairs: np.ndarray) -> bool:
    booked = bookings(problem, pairs)
    within_hours = (booked == 0) | (booked <= problem.free_hours + 1e-6)
    per_request = np.bincount(problem.request[pairs], minlength=problem.hours.size)
    return bool(within_hours.all() and (per_request <= problem.people).all())


def brute_force(problem: StaffingProblem) -> tuple[int, float]:
    """Most pairs, then highest total score, over every subset of pairs."""
    best = (0, 0.0)
    for size in range(1, problem.request.size + 1):
        for subset in itertools.combinations(range(problem.request.size), size):
            pairs = np.array(subset)
            if is_feasible(problem, pairs):
                best = max(best, (size, float(problem.score[pairs].sum())))
    return best


def assert_valid(problem: StaffingProblem, result: StaffingResult) -> None:
    assert is_feasible(problem, result.pairs)
    assert result.filled == result.pairs.size
    assert result.objective == pytest.approx(problem.score[result.pairs].sum())
    assert (np.diff(result.pairs) > 0).all()


@st.composite
def staffing_problems(draw: st.DrawFn) -> StaffingProblem:
    # Few members and several weeks, so that members have overlapping candidate pairs.
    r, m, w = draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, r - 1), st.integers(0, m - 1)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    start = draw(arrays(np.intp, r, elements=st.integers(0, w - 1)))
    length = draw(arrays(np.intp, r, elements=st.integers(1, w)))
    return StaffingProblem(
        request=[p[0] for p in pairs],
        member=[p[1] for p in pairs],
        score=draw(arrays(np.float64, len(pairs), elements=st.floats(0, 100))),
        hours=draw(arrays(np.float64, r, elements=st.sampled_from([2.0, 4.0, 8.0]))),
        people=draw(arrays(np.intp, r, elements=st.integers(0, 3))),
        week_start=start,
        week_end=np.minimum(start + length, w),
        free_hours=draw(
            arrays(np.float64, (m, w), elements=st.sampled_from([-2.0, 0.0, 2.0, 4.0, 8.0, 12.0]))
        ),
    )


@pytest.mark.parametrize("tolerance", [0, 0.5])
@settings(deadline=None, max_examples=150)
@given(problem=staffing_problems())
def test_autostaff_fills_the_most_places_and_proves_its_gap(tolerance, problem):
    # With no tolerance the integer program must reach the brute-force optimum. A loose
    # one stops at the relaxation's rounding whenever that is within it: the staffing that
    # large instances get when the time runs out, which must be within the gap it reports.
    result = autostaff(problem, mip_rel_gap=tolerance)

    assert_valid(problem, result)
    best_filled, best_score = brute_force(problem)
    assert result.filled == best_filled
    assert best_score <= result.objective + result.gap * max(result.objective, 1.0) + 1e-6
    if tolerance == 0:
        assert result.objective == pytest.approx(best_score, abs=1e-5)
        assert result.optimal


@settings(deadline=None, max_examples=150)
@given(staffing_problems())
def test_greedy_is_feasible_and_never_beats_the_optimum(problem):
    result = greedy(problem)

    assert_valid(problem, result)
    best_filled, best_score = brute_force(problem)
    assert result.filled <= best_filled
    if result.filled == best_filled:
        assert result.objective <= best_score + 1e-6
    assert not result.optimal
    assert result.gap is None


def two_requests_one_versatile_member() -> StaffingProblem:
    """Requests 0 and 1 both want 10 hours in week 0, one person each. Member 0 (10 free
    hours) is the best candidate for both; member 1 only suits request 0.

    Greedy gives request 0 its best candidate, member 0, and leaves request 1 unfilled;
    the optimum gives request 0 member 1 and request 1 member 0.
    """
    return StaffingProblem(
        request=[0, 0, 1],
        member=[0, 1, 0],
        score=[90, 80, 70],
        hours=[10, 10],
        people=[1, 1],
        week_start=[0, 0],
        week_end=[1, 1],
        free_hours=[[10], [10]],
    )


def test_optimum_fills_a_request_that_greedy_leaves_unfilled():
    problem = two_requests_one_versatile_member()

    by_greedy = greedy(problem)
    optimum = autostaff(problem)

    assert by_greedy.pairs.tolist() == [0]
    assert (by_greedy.filled, by_greedy.objective) == (1, 90)
    assert optimum.pairs.tolist() == [1, 2]
    assert (optimum.filled, optimum.objective) == (2, 150)
    assert optimum.optimal
    assert optimum.gap == pytest.approx(0)


def test_out_of_time_proposes_at_least_the_greedy_staffing():
    problem = two_requests_one_versatile_member()

    result = autostaff(problem, time_limit=0)

    assert result.filled >= greedy(problem).filled
    assert_valid(problem, result)
    assert not result.optimal


def test_greedy_follows_the_given_order():
    assert greedy(two_requests_one_versatile_member(), order=[1, 0]).pairs.tolist() == [1, 2]


def test_capacity_is_respected_in_every_week():
    # One member, free 8, 4, 8 hours in weeks 0–2, is the only candidate for:
    #   request 0: week 0, 8 h, score 50     request 1: weeks 0–2, 4 h, score 60
    #   request 2: week 2, 4 h, score 40     request 3: week 1, 2 h, score 90
    # Request 1 clashes with request 0 in week 0 (12 > 8) and with request 3 in week 1
    # (6 > 4), so the most requests that fit are 0, 2 and 3.
    problem = StaffingProblem(
        request=[0, 1, 2, 3],
        member=[0, 0, 0, 0],
        score=[50, 60, 40, 90],
        hours=[8, 4, 4, 2],
        people=[1, 1, 1, 1],
        week_start=[0, 0, 2, 1],
        week_end=[1, 3, 3, 2],
        free_hours=[[8, 4, 8]],
    )

    result = autostaff(problem)

    assert result.pairs.tolist() == [0, 2, 3]
    assert bookings(problem, result.pairs).tolist() == [[8, 2, 4]]


def test_tighter_week_with_fewer_requests_still_limits():
    # Weeks 0, 1, 2 with 4, 12, 12 free hours; requests of 4 hours each in weeks 0–2,
    # 0–1 and 1–2. Week 1 holds all three (12 h, fits); week 0 holds only the first two,
    # but has 4 free hours, so they cannot both be chosen.
    problem = StaffingProblem(
        request=[0, 1, 2],
        member=[0, 0, 0],
        score=[10, 20, 30],
        hours=[4, 4, 4],
        people=[1, 1, 1],
        week_start=[0, 0, 1],
        week_end=[3, 2, 3],
        free_hours=[[4, 12, 12]],
    )

    assert autostaff(problem).pairs.tolist() == [1, 2]


def test_one_capacity_row_per_distinct_set_of_requests_that_can_overbook():
    # A private helper, tested because the size of the model is what keeps auto-staffing
    # within its time budget. Member 0 has 4-hour requests in weeks 0–9, 0–4 and 5–9 and
    # 6 free hours a week, 5 in week 7: weeks 0–4 hold variables {0, 1}, weeks 5–9 hold
    # {0, 2}, tightest in week 7. Member 1's single variable can never overbook.
    matrix, limits = _capacity_rows(
        member=np.array([0, 0, 0, 1]),
        hours=np.array([4.0, 4.0, 4.0, 4.0]),
        week_start=np.array([0, 0, 5, 0]),
        week_end=np.array([10, 5, 10, 10]),
        free_hours=np.array([[6, 6, 6, 6, 6, 6, 6, 5, 6, 6], [4] * 10], dtype=float),
    )

    assert matrix.toarray().tolist() == [[4, 4, 0, 0], [4, 0, 4, 0]]
    assert limits.tolist() == [6, 5]


def test_people_limit_is_respected():
    # Request 0 needs two people out of four candidates with ample hours; request 1,
    # already staffed, needs nobody.
    problem = StaffingProblem(
        request=[0, 0, 0, 0, 1],
        member=[0, 1, 2, 3, 0],
        score=[10, 40, 30, 20, 99],
        hours=[4, 4],
        people=[2, 0],
        week_start=[0, 0],
        week_end=[1, 1],
        free_hours=[[40]] * 4,
    )

    for result in (autostaff(problem), greedy(problem)):
        assert result.pairs.tolist() == [1, 2]


def test_no_fitting_candidates_gives_an_empty_proposal():
    problem = StaffingProblem(
        request=[0],
        member=[0],
        score=[50],
        hours=[8],
        people=[1],
        week_start=[0],
        week_end=[1],
        free_hours=[[4]],
    )

    result = autostaff(problem)

    assert (result.filled, result.objective, result.optimal) == (0, 0.0, True)


def test_duplicate_pairs_are_rejected():
    with pytest.raises(ValueError, match="distinct"):
        StaffingProblem(
            request=[0, 0],
            member=[0, 0],
            score=[1, 2],
            hours=[8],
            people=[1],
            week_start=[0],
            week_end=[1],
            free_hours=[[8]],
        )
