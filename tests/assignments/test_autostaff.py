"""Auto-staffing runs: scoping, computing, applying once, and the sweep."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from assignments import autostaff_services as services
from assignments.autostaff_selectors import (
    AutostaffSelection,
    autostaff_requests,
)
from assignments.models import Assignment, AutostaffRun
from assignments.services import StaffingError
from assignments.tasks import sweep_autostaff_runs
from pool import access
from pool.selectors import members_in_pool_of
from tests.assignments.matching.test_worker import broker_down
from tests.factories import (
    TODAY,
    AssignmentFactory,
    CompetencyFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db


def skilled(organisation, competencies, level=4, **fields):
    member = MemberFactory(organisation=organisation, pool_hours=Decimal(8), **fields)
    for competency in competencies:
        MemberCompetencyFactory(member=member, competency=competency, level=level)
    return member


def needing(organisation, competency, **fields):
    request = RoleRequestFactory(
        opgave=OpgaveFactory(organisation=organisation), hours_per_week=Decimal(8), **fields
    )
    RoleRequestCompetencyFactory(role_request=request, competency=competency, min_level=3)
    return request


@pytest.fixture
def world(hr_user):
    """Two requests of a served organisation where the first-best choice loses a place:
    `all_round` fits both but has hours for one; `specialist` fits only the first."""
    served = OrganisationFactory(shares_members=True)
    served.hr_advisors.add(hr_user)
    first, second = CompetencyFactory(), CompetencyFactory()
    requests = [needing(served, first), needing(served, second)]
    all_round = skilled(served, [first, second], level=4)
    specialist = skilled(served, [first], level=3)
    # Better than anyone, but of an organisation the advisor does not serve and that
    # does not share: never proposed.
    other = OrganisationFactory()
    outsider = skilled(other, [first, second], level=4, shareable=True)
    foreign_request = needing(other, first)
    # Shared by a sharing organisation: a candidate.
    sharing = OrganisationFactory(shares_members=True)
    shared = skilled(sharing, [second], level=2, shareable=True)
    unshared = skilled(sharing, [second], level=4, shareable=False)
    return {
        "requests": requests,
        "all_round": all_round,
        "specialist": specialist,
        "outsider": outsider,
        "foreign_request": foreign_request,
        "shared": shared,
        "unshared": unshared,
    }


def computed(hr_user, selection=None) -> AutostaffRun:
    run = AutostaffRun.objects.create(
        created_by=hr_user, selection=(selection or AutostaffSelection()).as_json()
    )
    assert services.autostaff_run_compute(run_id=run.pk, today=TODAY) is True
    run.refresh_from_db()
    return run


def test_scope_is_the_served_requests_and_the_visible_members(hr_user, world):
    assert set(autostaff_requests(user=hr_user, today=TODAY)) == set(world["requests"])
    members = set(members_in_pool_of(user=hr_user))
    assert {world["all_round"], world["specialist"], world["shared"]} <= members
    assert world["outsider"] not in members
    assert world["unshared"] not in members


def test_scope_is_empty_for_someone_not_an_advisor(user_in, world):
    manager = user_in(access.MANAGER)
    assert not autostaff_requests(user=manager, today=TODAY).exists()
    assert not members_in_pool_of(user=manager).exists()


def test_selection_narrows_to_an_opgave_and_to_a_start(hr_user, world):
    first, second = world["requests"]
    by_opgave = AutostaffSelection(opgave=second.opgave.uuid)
    assert list(autostaff_requests(user=hr_user, today=TODAY, selection=by_opgave)) == [second]
    second.start = TODAY + timedelta(weeks=10)
    second.save()
    soon = AutostaffSelection(weeks=4)
    assert list(autostaff_requests(user=hr_user, today=TODAY, selection=soon)) == [first]
    # Not even naming a foreign opgave lets it in.
    foreign = AutostaffSelection(opgave=world["foreign_request"].opgave.uuid)
    assert not autostaff_requests(user=hr_user, today=TODAY, selection=foreign).exists()


def test_compute_beats_first_best_and_proposes_only_what_the_advisor_may_see(hr_user, world):
    run = computed(hr_user)
    assert run.status == AutostaffRun.Status.DONE
    assert run.progress == 100
    result = run.result
    pairs = {(p["role_request"], p["member"]) for p in result["proposals"]}
    first, second = world["requests"]
    # First best gives the first request to the all-rounder and the second to the shared
    # member; the optimum has the specialist take the first, the all-rounder the second.
    assert pairs == {(first.pk, world["specialist"].pk), (second.pk, world["all_round"].pk)}
    assert result["optimal"]["objective"] > result["greedy"]["objective"]
    assert result["optimal"]["filled"] == result["places"] == 2
    assert result["optimal"]["optimal"] is True
    assert result["requests"] == 2
    seen = {p["member"] for p in result["proposals"]}
    assert world["outsider"].pk not in seen and world["unshared"].pk not in seen
    assert all(p["explanation"]["competencies"] for p in result["proposals"])


def test_compute_twice_does_the_work_once(hr_user, world):
    run = computed(hr_user)
    assert services.autostaff_run_compute(run_id=run.pk, today=TODAY) is False
    run.refresh_from_db()
    assert run.status == AutostaffRun.Status.DONE


def test_apply_some_creates_exactly_those_proposals_and_only_once(hr_user, world):
    run = computed(hr_user)
    chosen = next(
        i for i, p in enumerate(run.result["proposals"]) if p["member"] == world["specialist"].pk
    )
    outcome = services.autostaff_run_apply(run=run, by=hr_user, chosen=[chosen], today=TODAY)
    assert (outcome.proposed, outcome.refused) == (1, 0)
    proposal = Assignment.objects.get()
    assert (proposal.member, proposal.role_request) == (world["specialist"], world["requests"][0])
    assert proposal.state == Assignment.State.PROPOSED
    assert proposal.transitions.get().by == hr_user
    run.refresh_from_db()
    assert run.applied_by == hr_user
    assert run.outcome == [{"index": chosen, "ok": True, "message": ""}]
    with pytest.raises(StaffingError, match="al verwerkt"):
        services.autostaff_run_apply(run=run, by=hr_user, chosen=[0, 1], today=TODAY)
    assert Assignment.objects.count() == 1


def test_apply_reports_pairs_that_became_impossible(hr_user, world):
    run = computed(hr_user)
    first, second = world["requests"]
    # Since the computation the all-rounder was booked elsewhere, and the first request
    # got its one person.
    AssignmentFactory(
        member=world["all_round"],
        role_request=needing(world["all_round"].organisation, CompetencyFactory()),
        state=Assignment.State.CONFIRMED,
    )
    AssignmentFactory(member=MemberFactory(), role_request=first)
    outcome = services.autostaff_run_apply(run=run, by=hr_user, chosen=[0, 1], today=TODAY)
    assert (outcome.proposed, outcome.refused) == (0, 2)
    run.refresh_from_db()
    messages = {run.result["proposals"][o["index"]]["role_request"]: o for o in run.outcome}
    assert "inmiddels bezet" in messages[first.pk]["message"]
    assert "overboekt" in messages[second.pk]["message"]
    assert not Assignment.objects.filter(
        state=Assignment.State.PROPOSED, member__in=[world["all_round"], world["specialist"]]
    ).exists()


def test_apply_rechecks_who_may_be_proposed(hr_user, world):
    run = computed(hr_user)
    world["requests"][0].opgave.organisation.hr_advisors.remove(hr_user)
    outcome = services.autostaff_run_apply(run=run, by=hr_user, chosen=[0, 1], today=TODAY)
    assert (outcome.proposed, outcome.refused) == (0, 2)
    assert not Assignment.objects.exists()


def test_an_unfinished_run_cannot_be_applied(hr_user, world):
    run = AutostaffRun.objects.create(created_by=hr_user)
    with pytest.raises(StaffingError, match="nog niet klaar"):
        services.autostaff_run_apply(run=run, by=hr_user, chosen=[], today=TODAY)


def test_broker_down_leaves_the_run_pending_for_the_sweep(
    hr_user, world, django_capture_on_commit_callbacks, caplog
):
    with (
        broker_down(),
        caplog.at_level(logging.WARNING, logger="config.celery"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = services.autostaff_run_start(by=hr_user, selection=AutostaffSelection())
    run.refresh_from_db()
    assert (run.status, run.queued_at) == (AutostaffRun.Status.PENDING, None)
    assert "broker unreachable" in caplog.text
    # Not yet: the broker may still deliver a fresh run.
    assert sweep_autostaff_runs() == 0
    AutostaffRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    assert sweep_autostaff_runs() == 1
    run.refresh_from_db()
    assert run.status == AutostaffRun.Status.DONE
    assert len(run.result["proposals"]) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_applying_twice_at_once_proposes_once(hr_user, world):
    """Two submits of the same run race: the run's row lock lets one through."""
    run = computed(hr_user)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def apply():
        barrier.wait()
        try:
            services.autostaff_run_apply(run=run, by=hr_user, chosen=[0, 1], today=TODAY)
            outcomes.append("applied")
        except StaffingError:
            outcomes.append("refused")
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["applied", "refused"]
    assert Assignment.objects.count() == 2


def test_the_sweep_restarts_a_run_whose_worker_died(hr_user, world):
    long_ago = timezone.now() - timedelta(hours=1)
    run = AutostaffRun.objects.create(
        created_by=hr_user, status=AutostaffRun.Status.RUNNING, started_at=long_ago, progress=20
    )
    assert sweep_autostaff_runs() == 1
    run.refresh_from_db()
    assert (run.status, run.progress) == (AutostaffRun.Status.DONE, 100)


def test_a_run_that_cannot_be_computed_ends_failed_not_stuck(hr_user, world, caplog):
    run = AutostaffRun.objects.create(created_by=hr_user, selection={"opgave": "no uuid"})
    with caplog.at_level(logging.ERROR, logger="assignments.autostaff_services"):
        assert services.autostaff_run_compute(run_id=run.pk, today=TODAY) is True
    run.refresh_from_db()
    assert run.status == AutostaffRun.Status.FAILED
    assert "mislukt" in run.error
    assert "failed" in caplog.text
    with pytest.raises(StaffingError, match="niets over te nemen"):
        services.autostaff_run_apply(run=run, by=hr_user, chosen=[0], today=TODAY)
