"""Loading, scoring and storing matches against the real database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assignments import pool_supply
from assignments.matching import services
from assignments.matching.adapter import load_problem, open_role_requests, request_side, week_of
from assignments.models import Assignment, Match, Opgave, RoleRequest
from assignments.services import (
    assignment_accept,
    assignment_propose,
    assignment_withdraw,
    role_request_matches_invalidate,
)
from pool.models import Leave, Member
from pool.services import (
    RoleExperienceEntry,
    availability_add,
    learning_goal_add,
    leave_add,
    member_competency_add,
    member_competency_update,
    member_details_update,
    member_role_experience_set,
)
from tests.factories import (
    TODAY,
    AssignmentFactory,
    AvailabilityFactory,
    CompetencyFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleExperienceFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    """One organisation, one request needing a competency at level 3, three members."""
    organisation = OrganisationFactory()
    competency = CompetencyFactory()
    request = RoleRequestFactory(opgave=OpgaveFactory(organisation=organisation))
    RoleRequestCompetencyFactory(role_request=request, competency=competency, min_level=3)
    strong, weak, busy = (MemberFactory(organisation=organisation) for _ in range(3))
    MemberCompetencyFactory(member=strong, competency=competency, level=3)
    MemberCompetencyFactory(member=weak, competency=competency, level=1)
    MemberCompetencyFactory(member=busy, competency=competency, level=4)
    # `busy` has all 16 pool hours booked for the whole request period: no candidate.
    AssignmentFactory(
        member=busy,
        hours_per_week=Decimal(16),
        state=Assignment.State.CONFIRMED,
        role_request=RoleRequestFactory(
            opgave=OpgaveFactory(organisation=organisation, start=TODAY, end=request.end)
        ),
    )
    return {
        "request": request,
        "competency": competency,
        "strong": strong,
        "weak": weak,
        "busy": busy,
    }


def scores_of(request) -> dict[int, float]:
    return dict(
        Match.objects.filter(role_request=request, in_request_top=True).values_list(
            "member_id", "score"
        )
    )


def test_request_recompute_ranks_candidates_and_skips_the_fully_booked(scene):
    services.request_matches_recompute(role_request_id=scene["request"].pk, today=TODAY)
    scores = scores_of(scene["request"])
    assert set(scores) == {scene["strong"].pk, scene["weak"].pk}
    assert scores[scene["strong"].pk] > scores[scene["weak"].pk]
    match = Match.objects.get(role_request=scene["request"], member=scene["strong"])
    need = match.explanation["competencies"][0]
    assert need == {
        "competency": scene["competency"].pk,
        "min_level": 3,
        "level": 3,
        "required": True,
        "status": "met",
        "learning_target": 0,
    }
    assert match.explanation["hours"] == {"free": 16.0, "requested": 8.0}


def test_raising_a_level_raises_the_score_after_member_recompute(scene):
    services.matches_rebuild(today=TODAY)
    before = scores_of(scene["request"])[scene["weak"].pk]
    scene["weak"].competencies.filter(competency=scene["competency"]).update(level=3)
    services.member_matches_recompute(member_id=scene["weak"].pk, today=TODAY)
    assert scores_of(scene["request"])[scene["weak"].pk] > before


def test_stale_mark_is_cleared_only_if_no_newer_change_came(scene):
    member = scene["weak"]
    marked = timezone.now()
    Member.objects.filter(pk=member.pk).update(matches_stale_since=marked)
    services.member_matches_recompute(member_id=member.pk, today=TODAY)
    member.refresh_from_db()
    assert member.matches_stale_since is None


def test_availability_period_and_leave_change_free_hours(scene):
    member = scene["strong"]
    request = scene["request"]
    AvailabilityFactory(
        member=member, start=request.start, end=request.end, hours_per_week=Decimal(4)
    )
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    match = Match.objects.get(role_request=request, member=member)
    assert match.explanation["hours"]["free"] == 4.0
    assert match.explanation["parts"]["availability"]["value"] == 0.5


def test_other_organisation_needs_sharing_on_both_sides_and_consent(scene):
    request = scene["request"]
    outsider = MemberFactory(shareable=True)
    MemberCompetencyFactory(member=outsider, competency=scene["competency"], level=4)
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    assert outsider.pk not in scores_of(request)
    for organisation in (outsider.organisation, request.opgave.organisation):
        organisation.shares_members = True
        organisation.save()
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    assert outsider.pk in scores_of(request)


def test_closed_request_loses_its_matches(scene):
    services.matches_rebuild(today=TODAY)
    assert Match.objects.filter(role_request=scene["request"]).exists()
    Opgave.objects.filter(pk=scene["request"].opgave_id).update(status=Opgave.Status.CANCELLED)
    services.request_matches_recompute(role_request_id=scene["request"].pk, today=TODAY)
    assert not Match.objects.filter(role_request=scene["request"]).exists()


def test_members_who_counted_a_closed_request_among_their_best_get_a_new_list(scene):
    services.matches_rebuild(today=TODAY)
    other = RoleRequestFactory(
        opgave=OpgaveFactory(organisation=scene["request"].opgave.organisation)
    )
    RoleRequest.objects.filter(pk=scene["request"].pk).update(status=RoleRequest.Status.FILLED)
    services.request_matches_recompute(role_request_id=scene["request"].pk, today=TODAY)

    stale = set(
        Member.objects.filter(matches_stale_since__isnull=False).values_list("pk", flat=True)
    )
    assert stale == {scene["strong"].pk, scene["weak"].pk}
    services.member_matches_recompute(member_id=scene["strong"].pk, today=TODAY)
    best = Match.objects.filter(member=scene["strong"], in_member_top=True)
    assert other.pk in set(best.values_list("role_request_id", flat=True))


def stored() -> set[tuple]:
    return set(
        Match.objects.values_list("role_request_id", "member_id", "in_request_top", "in_member_top")
    )


def test_incremental_recomputes_agree_with_a_full_rebuild(monkeypatch):
    """After member edits, per-member and per-request recomputes reach the rebuild's state."""
    monkeypatch.setattr(services, "REQUEST_TOP", 4)
    monkeypatch.setattr(services, "MEMBER_TOP", 2)
    organisation = OrganisationFactory()
    competencies = CompetencyFactory.create_batch(3)
    requests = []
    for index in range(5):
        request = RoleRequestFactory(opgave=OpgaveFactory(organisation=organisation))
        RoleRequestCompetencyFactory(
            role_request=request, competency=competencies[index % 3], min_level=2 + index % 3
        )
        requests.append(request)
    members = MemberFactory.create_batch(12, organisation=organisation)
    for index, member in enumerate(members):
        MemberCompetencyFactory(
            member=member, competency=competencies[index % 3], level=1 + index % 4
        )
    services.matches_rebuild(today=TODAY)
    for index, member in enumerate(members[:6]):
        member.competencies.update(level=4 - index % 4)
        Member.objects.filter(pk=member.pk).update(matches_stale_since=timezone.now())
        services.member_matches_recompute(member_id=member.pk, today=TODAY)
    # Requests a member dropped out of are marked for a refill; run those refills.
    for request_id in RoleRequest.objects.filter(matches_stale_since__isnull=False).values_list(
        "pk", flat=True
    ):
        services.request_matches_recompute(role_request_id=request_id, today=TODAY)
    for member in members:
        services.member_matches_recompute(member_id=member.pk, today=TODAY)
    incremental = stored()
    services.matches_rebuild(today=TODAY)
    assert incremental == stored()


@pytest.mark.parametrize("size", [3, 15])
def test_loading_runs_a_constant_number_of_queries(django_assert_num_queries, size):
    organisation = OrganisationFactory()
    for _ in range(size):
        request = RoleRequestFactory(opgave=OpgaveFactory(organisation=organisation))
        RoleRequestCompetencyFactory(role_request=request)
        member = MemberFactory(organisation=organisation)
        MemberCompetencyFactory(member=member)
        AvailabilityFactory(member=member)
    # Three round trips: the requests with their needs; the members (their rows, levels,
    # goals, roles, availability, leave, inzet); the weights and organisations.
    with django_assert_num_queries(3):
        loaded = load_problem(
            requests=open_role_requests(today=TODAY),
            members=Member.objects.all(),
            today=TODAY,
        )
    assert loaded.problem.requests.hours.shape == (size,)
    assert loaded.problem.members.free_hours.shape[0] == size


def test_requests_that_ended_are_not_open():
    request = RoleRequestFactory(
        opgave=OpgaveFactory(start=TODAY - timedelta(weeks=10), end=TODAY - timedelta(days=1))
    )
    assert not open_role_requests(today=TODAY).filter(pk=request.pk).exists()


def test_member_recompute_sees_a_request_change_after_commit(
    scene, django_capture_on_commit_callbacks
):
    services.member_matches_recompute(member_id=scene["weak"].pk, today=TODAY)
    before = scores_of(scene["request"])[scene["weak"].pk]
    scene["request"].competency_needs.update(min_level=1)
    with django_capture_on_commit_callbacks(execute=True):
        role_request_matches_invalidate(role_request_ids=[scene["request"].pk])
    services.member_matches_recompute(member_id=scene["weak"].pk, today=TODAY)
    assert scores_of(scene["request"])[scene["weak"].pk] > before


# --- A request recompute reads the members from this process's snapshot of the pool -----


def stored_with_scores(request) -> dict[int, tuple]:
    return {
        member_id: (round(score, 6), in_request_top, explanation)
        for member_id, score, in_request_top, explanation in Match.objects.filter(
            role_request=request
        ).values_list("member_id", "score", "in_request_top", "explanation")
    }


def recompute_as_fresh(request) -> dict[int, tuple]:
    """Recompute from this process's snapshot, and check that a new process, reading every
    member from the database, stores the same."""
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    kept = stored_with_scores(request)
    pool_supply._snapshots.clear()
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    assert stored_with_scores(request) == kept
    return kept


def test_the_snapshot_gives_the_arrays_the_database_gives(scene):
    request = scene["request"]
    other = CompetencyFactory()
    RoleRequestCompetencyFactory(role_request=request, competency=other, required=False)
    outsider = MemberFactory(shareable=True)
    MemberCompetencyFactory(member=outsider, competency=other, level=2)
    LearningGoalFactory(member=scene["weak"], competency=scene["competency"], target_level=4)
    RoleExperienceFactory(member=scene["strong"], role=request.role, experience=3, preference=2)
    Leave.objects.create(
        member=scene["weak"], start=request.start, end=request.start + timedelta(days=9)
    )
    AvailabilityFactory(
        member=outsider, start=request.start, end=request.end, hours_per_week=Decimal(4)
    )
    requests = RoleRequest.objects.filter(pk=request.pk)
    read = load_problem(requests=requests, members=Member.objects.all(), today=TODAY)
    # As a request recompute reads the pool: from the snapshot.
    side = request_side(requests=requests, first_week=week_of(TODAY))
    snapshot, member_ids = pool_supply.pool_snapshot(
        pool=Member.objects.all(), first_week=week_of(TODAY), weeks=side.weeks
    )
    kept = load_problem(
        requests=side, members=snapshot.member_side(member_ids, side=side), today=TODAY
    )
    assert kept.member_ids.tolist() == read.member_ids.tolist()
    for name in ("levels", "role_experience", "role_preference", "learning_targets"):
        assert (getattr(kept.problem.members, name) == getattr(read.problem.members, name)).all()
    for name in ("free_hours", "organisation", "shareable"):
        assert (getattr(kept.problem.members, name) == getattr(read.problem.members, name)).all()
    assert kept.problem.members.learning_targets.any()
    assert (kept.problem.members.role_preference != 1).any()


def test_member_changes_after_the_snapshot_show_in_the_next_request_recompute(scene, hr_user):
    request, competency = scene["request"], scene["competency"]
    strong, weak = scene["strong"], scene["weak"]
    first = recompute_as_fresh(request)
    assert set(first) == {strong.pk, weak.pk}

    # Each change goes through its service, which moves the member's revision; the
    # snapshot built above must then hold the member as the database does.
    member_competency_update(
        member_competency=weak.competencies.get(competency=competency), level=3, evidence=""
    )
    assert recompute_as_fresh(request)[weak.pk][0] > first[weak.pk][0]

    newcomer = MemberFactory(organisation=request.opgave.organisation, user=UserFactory())
    member_competency_add(member=newcomer, competency=competency, level=4)
    assert newcomer.pk in recompute_as_fresh(request)

    availability_add(member=strong, start=request.start, end=request.end, hours_per_week=Decimal(4))
    assert recompute_as_fresh(request)[strong.pk][2]["hours"]["free"] == 4.0

    member_details_update(
        member=newcomer, email="", unit="", pool_hours=Decimal(10), shareable=False
    )
    assert recompute_as_fresh(request)[newcomer.pk][2]["hours"]["free"] == 10.0

    RoleRequest.objects.filter(pk=request.pk).update(open_to_development=True)
    learning_goal_add(member=weak, competency=competency, target_level=4)
    assert recompute_as_fresh(request)[weak.pk][2]["parts"]["development"]["value"] == 1.0

    member_role_experience_set(
        member=weak,
        entries=[RoleExperienceEntry(role=request.role, experience=3, preference=2)],
    )
    assert recompute_as_fresh(request)[weak.pk][2]["role"] == {
        "role": request.role_id,
        "experience": 3,
        "preference": 2,
    }

    # Booked inzet takes hours; a proposal does not.
    elsewhere = RoleRequestFactory(
        opgave=OpgaveFactory(organisation=request.opgave.organisation), hours_per_week=6
    )
    inzet = assignment_propose(role_request=elsewhere, member=newcomer, by=hr_user)
    assert recompute_as_fresh(request)[newcomer.pk][2]["hours"]["free"] == 10.0
    assignment_accept(assignment=inzet, by=newcomer.user)
    assert recompute_as_fresh(request)[newcomer.pk][2]["hours"]["free"] == 4.0
    assignment_withdraw(assignment=inzet, by=hr_user, reason="Andere prioriteit")
    assert recompute_as_fresh(request)[newcomer.pk][2]["hours"]["free"] == 10.0

    # Leave over the whole request: no free hours, no candidate.
    leave_add(member=weak, start=request.start, end=request.end)
    assert weak.pk not in recompute_as_fresh(request)

    Member.objects.filter(pk=strong.pk).delete()
    assert strong.pk not in recompute_as_fresh(request)


def test_a_request_past_the_weeks_read_reads_everyone_again(scene):
    """The snapshot covers whole quarters; a longer request reads the members again."""
    request = scene["request"]
    recompute_as_fresh(request)
    weeks = pool_supply._snapshots[week_of(TODAY)].weeks
    longer = RoleRequestFactory(
        opgave=OpgaveFactory(
            organisation=request.opgave.organisation,
            start=request.start,
            end=TODAY + timedelta(weeks=weeks + 5),
        )
    )
    AvailabilityFactory(
        member=scene["strong"],
        start=TODAY + timedelta(weeks=weeks + 1),
        end=longer.end,
        hours_per_week=Decimal(2),
    )
    assert recompute_as_fresh(longer)[scene["strong"].pk][2]["hours"]["free"] == 2.0
    assert pool_supply._snapshots[week_of(TODAY)].weeks > weeks
