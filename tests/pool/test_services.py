"""The member's own profile services: rules with readable errors, and every change to what
matching uses marks the member's matches stale (and asks for a recompute after commit)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from pool import services
from pool.models import Availability, LearningGoal, Leave, MemberCompetency, RoleExperience
from tests.factories import (
    TODAY,
    AvailabilityFactory,
    CompetencyFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

RECOMPUTE = services.RECOMPUTE_MEMBER_TASK


@pytest.fixture
def member():
    return MemberFactory(contract_hours=Decimal(36), pool_hours=Decimal(16))


@pytest.fixture
def sent(monkeypatch):
    """The recompute tasks sent, by member id (instead of reaching the broker)."""
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(
        services, "enqueue", lambda name, **kwargs: calls.append((name, kwargs["member_id"]))
    )
    return calls


def stale(member) -> bool:
    member.refresh_from_db(fields=["matches_stale_since"])
    return member.matches_stale_since is not None


def errors_of(raised: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return raised.value.message_dict


# --- Details and confirmation ---------------------------------------------------------------


def test_details_update_saves_and_marks_stale_when_pool_hours_change(
    member, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        updated = services.member_details_update(
            member=member,
            email="a.jansen@example.org",
            unit="Ruimte",
            pool_hours=Decimal(20),
            shareable=False,
        )
    member.refresh_from_db()
    assert (member.email, member.unit, member.pool_hours) == (
        "a.jansen@example.org",
        "Ruimte",
        Decimal(20),
    )
    assert updated.pk == member.pk
    assert stale(member)
    assert sent == [(RECOMPUTE, member.pk)]


def test_details_update_sharing_opt_in_marks_stale(member):
    services.member_details_update(
        member=member, email="", unit="", pool_hours=member.pool_hours, shareable=True
    )
    assert stale(member)


def test_details_update_of_contact_details_only_leaves_matches_alone(member):
    services.member_details_update(
        member=member,
        email="x@example.org",
        unit="Sociaal",
        pool_hours=Decimal(16),
        shareable=False,
    )
    assert not stale(member)


@pytest.mark.parametrize("hours", [Decimal("36.5"), Decimal(40), Decimal(-1)])
def test_details_update_keeps_pool_hours_within_contract(member, hours):
    with pytest.raises(ValidationError) as raised:
        services.member_details_update(
            member=member, email="", unit="", pool_hours=hours, shareable=False
        )
    assert list(errors_of(raised)) == ["pool_hours"]
    member.refresh_from_db()
    assert member.pool_hours == Decimal(16)
    assert not stale(member)


def test_pool_hours_may_equal_contract_hours_or_zero(member):
    for hours in (Decimal(36), Decimal(0)):
        services.member_details_update(
            member=member, email="", unit="", pool_hours=hours, shareable=False
        )
        member.refresh_from_db()
        assert member.pool_hours == hours


def test_profile_confirm_sets_the_date_and_does_not_touch_matches(member):
    services.member_profile_confirm(member=member)
    member.refresh_from_db()
    assert member.profile_confirmed_at is not None
    assert not stale(member)


# --- Competencies ---------------------------------------------------------------------------


def test_competency_add_change_remove_each_mark_stale(
    member, sent, django_capture_on_commit_callbacks
):
    competency = CompetencyFactory()
    with django_capture_on_commit_callbacks(execute=True):
        item = services.member_competency_add(
            member=member, competency=competency, level=2, evidence="Wijkaanpak Noord"
        )
    assert stale(member)
    assert sent == [(RECOMPUTE, member.pk)]

    for change in (
        lambda: services.member_competency_update(member_competency=item, level=3, evidence=""),
        lambda: services.member_competency_remove(member_competency=item),
    ):
        member.__class__.objects.filter(pk=member.pk).update(matches_stale_since=None)
        change()
        assert stale(member)
    assert not MemberCompetency.objects.filter(member=member).exists()


def test_competency_add_twice_is_a_readable_error_not_an_integrity_error(member):
    held = MemberCompetencyFactory(member=member)
    with pytest.raises(ValidationError) as raised:
        services.member_competency_add(member=member, competency=held.competency, level=3)
    assert list(errors_of(raised)) == ["competency"]
    assert "al in je profiel" in errors_of(raised)["competency"][0]
    assert MemberCompetency.objects.get(pk=held.pk).level == held.level


def test_competency_outside_the_active_catalogue_is_refused(member):
    with pytest.raises(ValidationError) as raised:
        services.member_competency_add(
            member=member, competency=CompetencyFactory(is_active=False), level=2
        )
    assert list(errors_of(raised)) == ["competency"]


@pytest.mark.parametrize("level", [0, 5])
def test_competency_level_between_1_and_4(member, level):
    with pytest.raises(ValidationError) as raised:
        services.member_competency_add(member=member, competency=CompetencyFactory(), level=level)
    assert list(errors_of(raised)) == ["level"]


def test_an_unexpected_constraint_violation_is_not_swallowed(member, monkeypatch):
    """Only the constraints a service names become form errors; anything else stays a bug."""
    competency = CompetencyFactory()
    MemberCompetencyFactory(member=member, competency=competency)
    monkeypatch.setattr(services, "_constraint_name", lambda error: "something_else")
    with pytest.raises(IntegrityError):
        services.member_competency_add(member=member, competency=competency, level=2)


# --- Roles ----------------------------------------------------------------------------------


def test_role_experience_set_creates_updates_and_marks_stale(member):
    regie, netwerk = RoleFactory(), RoleFactory()
    services.member_role_experience_set(
        member=member,
        entries=[
            services.RoleExperienceEntry(regie, 2, 2),
            services.RoleExperienceEntry(netwerk, 0, 1),  # an explicit "none" is kept
        ],
    )
    assert stale(member)
    rows = {row.role_id: (row.experience, row.preference) for row in member.role_experience.all()}
    assert rows == {regie.pk: (2, 2), netwerk.pk: (0, 1)}

    member.__class__.objects.filter(pk=member.pk).update(matches_stale_since=None)
    services.member_role_experience_set(
        member=member, entries=[services.RoleExperienceEntry(regie, 3, 0)]
    )
    assert stale(member)
    assert RoleExperience.objects.get(member=member, role=regie).experience == 3
    assert RoleExperience.objects.filter(member=member).count() == 2


def test_role_experience_unchanged_leaves_matches_alone(member):
    role = RoleFactory()
    services.member_role_experience_set(
        member=member, entries=[services.RoleExperienceEntry(role, 1, 1)]
    )
    member.__class__.objects.filter(pk=member.pk).update(matches_stale_since=None)
    services.member_role_experience_set(
        member=member, entries=[services.RoleExperienceEntry(role, 1, 1)]
    )
    assert not stale(member)


@pytest.mark.parametrize(
    ("experience", "preference", "field"), [(4, 1, "experience"), (1, 3, "preference")]
)
def test_role_experience_ranges(member, experience, preference, field):
    with pytest.raises(ValidationError) as raised:
        services.member_role_experience_set(
            member=member,
            entries=[services.RoleExperienceEntry(RoleFactory(), experience, preference)],
        )
    assert field in errors_of(raised)


# --- Availability and leave -----------------------------------------------------------------


def test_availability_add_and_remove_mark_stale(member):
    period = services.availability_add(
        member=member,
        start=TODAY,
        end=TODAY + timedelta(weeks=8),
        hours_per_week=Decimal(8),
        note="Project in de lijn",
    )
    assert stale(member)
    member.__class__.objects.filter(pk=member.pk).update(matches_stale_since=None)
    services.availability_remove(availability=period)
    assert stale(member)
    assert not Availability.objects.filter(member=member).exists()


@pytest.mark.parametrize(
    ("start", "end", "hours", "field"),
    [
        (TODAY + timedelta(days=10), TODAY, Decimal(8), "end"),  # end before start
        (TODAY - timedelta(days=30), TODAY - timedelta(days=1), Decimal(8), "end"),  # over
        (TODAY, TODAY + timedelta(days=7), Decimal(0), "hours_per_week"),
        (TODAY, TODAY + timedelta(days=7), Decimal(37), "hours_per_week"),  # above contract
    ],
)
def test_availability_rules(member, start, end, hours, field):
    with pytest.raises(ValidationError) as raised:
        services.availability_add(member=member, start=start, end=end, hours_per_week=hours)
    assert list(errors_of(raised)) == [field]
    assert not stale(member)


def test_availability_periods_may_not_overlap(member):
    AvailabilityFactory(member=member, start=TODAY, end=TODAY + timedelta(weeks=4))
    AvailabilityFactory(start=TODAY, end=TODAY + timedelta(weeks=4))  # another member's
    with pytest.raises(ValidationError) as raised:
        services.availability_add(
            member=member,
            start=TODAY + timedelta(weeks=4),  # the last day of the other period
            end=TODAY + timedelta(weeks=8),
            hours_per_week=Decimal(4),
        )
    assert "overlapt" in errors_of(raised)["start"][0]
    # The day after is fine.
    services.availability_add(
        member=member,
        start=TODAY + timedelta(weeks=4, days=1),
        end=TODAY + timedelta(weeks=8),
        hours_per_week=Decimal(4),
    )


def test_leave_add_and_remove_mark_stale_and_may_not_overlap(member):
    leave = services.leave_add(member=member, start=TODAY, end=TODAY + timedelta(days=14))
    assert stale(member)
    with pytest.raises(ValidationError) as raised:
        services.leave_add(
            member=member, start=TODAY + timedelta(days=14), end=TODAY + timedelta(days=20)
        )
    assert list(errors_of(raised)) == ["start"]
    member.__class__.objects.filter(pk=member.pk).update(matches_stale_since=None)
    services.leave_remove(leave=leave)
    assert stale(member)
    assert not Leave.objects.filter(member=member).exists()


# --- Learning goals -------------------------------------------------------------------------


def test_learning_goal_add_and_remove_mark_stale(member):
    goal = services.learning_goal_add(
        member=member, competency=CompetencyFactory(), target_level=3, note="Via intervisie"
    )
    assert stale(member)
    member.__class__.objects.filter(pk=member.pk).update(matches_stale_since=None)
    services.learning_goal_remove(learning_goal=goal)
    assert stale(member)
    assert not LearningGoal.objects.filter(member=member).exists()


def test_learning_goal_must_be_above_the_level_held(member):
    held = MemberCompetencyFactory(member=member, level=3)
    with pytest.raises(ValidationError) as raised:
        services.learning_goal_add(member=member, competency=held.competency, target_level=3)
    assert list(errors_of(raised)) == ["target_level"]
    services.learning_goal_add(member=member, competency=held.competency, target_level=4)


def test_learning_goal_twice_is_a_readable_error(member):
    goal = LearningGoalFactory(member=member)
    with pytest.raises(ValidationError) as raised:
        services.learning_goal_add(member=member, competency=goal.competency, target_level=4)
    assert list(errors_of(raised)) == ["competency"]
