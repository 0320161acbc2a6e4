"""The inzet lifecycle: who may take which step, history, and never overbooking."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from assignments.models import Assignment, AssignmentTransition, Opgave, OpgaveLogEntry, RoleRequest
from assignments.services import (
    StaffingError,
    assignment_accept,
    assignment_confirm,
    assignment_decline,
    assignment_propose,
    assignment_withdraw,
)
from pool import access
from tests.factories import (
    TODAY,
    AvailabilityFactory,
    MemberFactory,
    OpgaveFactory,
    RoleRequestFactory,
    UserFactory,
)


@pytest.fixture
def member(db):
    return MemberFactory(user=UserFactory(groups=[access.MEMBER]), pool_hours=Decimal(16))


def request_of(hours: int, **fields):
    return RoleRequestFactory(hours_per_week=Decimal(hours), **fields)


@pytest.mark.django_db
def test_full_lifecycle_records_every_step(member, hr_user):
    assignment = assignment_propose(role_request=request_of(8), member=member, by=hr_user)
    assignment_accept(assignment=assignment, by=member.user)
    assignment_confirm(assignment=assignment, by=hr_user)
    steps = list(
        AssignmentTransition.objects.filter(assignment=assignment).values_list(
            "from_state", "to_state", "by"
        )
    )
    assert steps == [
        ("", "proposed", hr_user.pk),
        ("proposed", "accepted", member.user.pk),
        ("accepted", "confirmed", hr_user.pk),
    ]
    member.refresh_from_db()
    assert member.matches_stale_since is not None  # booked hours changed


def staffed(role_request, hr_user, **member_fields) -> Assignment:
    """A new member proposed on `role_request` who accepted; HR has not confirmed yet."""
    member = MemberFactory(user=UserFactory(groups=[access.MEMBER]), **member_fields)
    assignment = assignment_propose(role_request=role_request, member=member, by=hr_user)
    return assignment_accept(assignment=assignment, by=member.user)


@pytest.mark.django_db
def test_confirming_the_last_place_fills_the_request_and_starts_the_opgave(hr_user):
    role_request = request_of(8, people=2)
    first, second = staffed(role_request, hr_user), staffed(role_request, hr_user)

    assignment_confirm(assignment=first, by=hr_user)
    role_request.refresh_from_db()
    assert role_request.opgave.status == Opgave.Status.IN_PROGRESS
    assert role_request.status == RoleRequest.Status.OPEN
    assignment_confirm(assignment=second, by=hr_user)

    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.FILLED
    assert role_request.matches_stale_since is not None  # its candidates are dropped
    log = OpgaveLogEntry.objects.filter(opgave=role_request.opgave).order_by("pk")
    assert list(log.values_list("action", "from_status", "to_status")) == [
        ("started", "open", "in_progress"),
        ("role_request_filled", "", ""),
    ]


@pytest.mark.django_db
def test_nobody_is_booked_on_a_request_whose_places_are_all_confirmed(hr_user):
    role_request = request_of(8, people=1)
    first, late = staffed(role_request, hr_user), staffed(role_request, hr_user)
    candidate = MemberFactory(user=UserFactory(groups=[access.MEMBER]))
    waiting = assignment_propose(role_request=role_request, member=candidate, by=hr_user)
    assignment_confirm(assignment=first, by=hr_user)

    with pytest.raises(StaffingError, match="Alle plaatsen op deze rolvraag zijn al bevestigd"):
        assignment_confirm(assignment=late, by=hr_user)
    with pytest.raises(StaffingError, match="Alle plaatsen"):
        assignment_accept(assignment=waiting, by=waiting.member.user)
    assert Assignment.objects.get(pk=late.pk).state == Assignment.State.ACCEPTED


@pytest.mark.django_db
def test_withdrawing_confirmed_inzet_opens_a_filled_request_again(hr_user):
    role_request = request_of(8, people=1)
    assignment = assignment_confirm(assignment=staffed(role_request, hr_user), by=hr_user)
    assignment_withdraw(assignment=assignment, by=hr_user, reason="Ziek gemeld")

    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.OPEN
    assert role_request.opgave.status == Opgave.Status.IN_PROGRESS  # the work has begun
    assert OpgaveLogEntry.objects.filter(action="role_request_reopened").count() == 1


@pytest.mark.django_db
def test_only_the_member_answers_a_proposal(member, hr_user):
    assignment = assignment_propose(role_request=request_of(8), member=member, by=hr_user)
    with pytest.raises(StaffingError):
        assignment_accept(assignment=assignment, by=hr_user)
    with pytest.raises(StaffingError):
        assignment_decline(assignment=assignment, by=hr_user, reason="nee")


@pytest.mark.django_db
def test_decline_and_withdraw_need_a_reason(member, hr_user):
    assignment = assignment_propose(role_request=request_of(8), member=member, by=hr_user)
    with pytest.raises(StaffingError, match="reden"):
        assignment_decline(assignment=assignment, by=member.user, reason="  ")
    with pytest.raises(StaffingError, match="reden"):
        assignment_withdraw(assignment=assignment, by=hr_user, reason="")
    assignment_decline(assignment=assignment, by=member.user, reason="Te druk")
    assert Assignment.objects.get(pk=assignment.pk).state == Assignment.State.DECLINED


@pytest.mark.django_db
def test_no_step_out_of_order(member, hr_user):
    assignment = assignment_propose(role_request=request_of(8), member=member, by=hr_user)
    with pytest.raises(StaffingError):
        assignment_confirm(assignment=assignment, by=hr_user)  # not accepted yet
    with pytest.raises(StaffingError, match="al voorgesteld"):
        assignment_propose(role_request=assignment.role_request, member=member, by=hr_user)


@pytest.mark.django_db
def test_accepting_past_the_pool_hours_is_refused_naming_week_and_hours(member, hr_user):
    first = assignment_propose(role_request=request_of(12), member=member, by=hr_user)
    second = assignment_propose(role_request=request_of(8), member=member, by=hr_user)
    assignment_accept(assignment=first, by=member.user)
    with pytest.raises(StaffingError) as refused:
        assignment_accept(assignment=second, by=member.user)
    message = str(refused.value)
    assert "nog 4 uur vrij" in message and "8 uur per week" in message
    assert Assignment.objects.get(pk=second.pk).state == Assignment.State.PROPOSED


@pytest.mark.django_db
def test_confirm_rechecks_when_availability_shrank_after_acceptance(member, hr_user):
    request = request_of(12)
    assignment = assignment_propose(role_request=request, member=member, by=hr_user)
    assignment_accept(assignment=assignment, by=member.user)
    AvailabilityFactory(
        member=member,
        start=request.start + timedelta(weeks=3),
        end=request.start + timedelta(weeks=4),
        hours_per_week=Decimal(6),
    )
    with pytest.raises(StaffingError, match="nog 6 uur vrij"):
        assignment_confirm(assignment=assignment, by=hr_user)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_acceptances_never_overbook(member):
    """Ten proposals of 8 hours raced for a member with 16: exactly two can be booked."""
    hr = UserFactory(groups=[access.HR_ADVISOR])
    opgave = OpgaveFactory(start=TODAY + timedelta(weeks=1), end=TODAY + timedelta(weeks=9))
    proposals = [
        assignment_propose(role_request=request_of(8, opgave=opgave), member=member, by=hr)
        for _ in range(10)
    ]
    barrier = threading.Barrier(len(proposals))
    outcomes: list[str] = []

    def accept(assignment):
        barrier.wait()
        try:
            assignment_accept(assignment=assignment, by=member.user)
            outcomes.append("accepted")
        except StaffingError:
            outcomes.append("refused")
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=accept, args=(p,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] * 2 + ["refused"] * 8
    booked = Assignment.objects.filter(member=member, state=Assignment.State.ACCEPTED)
    assert sum(a.hours_per_week for a in booked) == 16
    # Nothing half-written: every refused proposal is untouched, with one history row.
    for assignment in Assignment.objects.filter(member=member, state=Assignment.State.PROPOSED):
        assert assignment.transitions.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_confirmations_never_overbook_any_week(member):
    """20 threads each take a proposal through accept and confirm, in real transactions.

    The proposals (8 hours a week, periods shifted week by week) would together put the
    member far past their 16 hours. Afterwards no week holds more than 16 confirmed hours,
    every refusal is a StaffingError that says so, and a refused proposal is untouched.
    """
    hr = UserFactory(groups=[access.HR_ADVISOR])
    opgave = OpgaveFactory(start=TODAY + timedelta(weeks=1), end=TODAY + timedelta(weeks=12))
    proposals = [
        assignment_propose(
            role_request=request_of(
                8,
                opgave=opgave,
                start=opgave.start + timedelta(weeks=i % 5),
                end=opgave.start + timedelta(weeks=i % 5 + 3, days=6),
            ),
            member=member,
            by=hr,
        )
        for i in range(20)
    ]
    barrier = threading.Barrier(len(proposals))
    refusals: list[str] = []
    confirmed: list[int] = []

    def accept_and_confirm(assignment):
        barrier.wait()
        try:
            assignment_accept(assignment=assignment, by=member.user)
            assignment_confirm(assignment=assignment, by=hr)
            confirmed.append(assignment.pk)
        except StaffingError as refused:
            refusals.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept_and_confirm, args=(p,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(confirmed) + len(refusals) == 20
    assert confirmed and refusals
    assert all("overboekt" in message for message in refusals)
    booked = list(Assignment.objects.filter(member=member, state__in=Assignment.BOOKED_STATES))
    assert {a.pk for a in booked} == set(confirmed)
    assert all(a.state == Assignment.State.CONFIRMED for a in booked)
    day = opgave.start
    while day <= opgave.end:
        in_week = sum(a.hours_per_week for a in booked if a.start <= day <= a.end)
        assert in_week <= member.pool_hours, day
        day += timedelta(weeks=1)
    for assignment in Assignment.objects.filter(member=member).exclude(pk__in=confirmed):
        assert assignment.state == Assignment.State.PROPOSED
        assert [t.to_state for t in assignment.transitions.all()] == ["proposed"]
