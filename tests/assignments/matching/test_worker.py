"""Matches kept current by a real Celery worker on the real Redis, also across outages."""

from __future__ import annotations

import logging
import os
import signal
import time
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.utils import timezone
from kombu import pools

from assignments.demo import bench_dataset
from assignments.matching import services
from assignments.models import Match, MatchingWeights, RoleRequest
from assignments.services import REBUILD_TASK, matches_invalidate_all, matching_weights_update
from assignments.tasks import recompute_member_matches, sweep_stale_matches
from assignments.weights_selectors import weights_recompute_pending
from config.celery import app
from pool.models import Member
from pool.services import member_matches_invalidate
from tests.conftest import worker_running
from tests.factories import (
    TODAY,
    CompetencyFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)

CLOSED_PORT_BROKER = "redis://127.0.0.1:9/0"


def request_and_weak_member() -> tuple:
    """A request needing a competency at level 4; a member holding it at level 1, and three
    more of the same organisation without it. Returns the request, member and competency."""
    organisation = OrganisationFactory()
    competency = CompetencyFactory()
    request = RoleRequestFactory(opgave=OpgaveFactory(organisation=organisation))
    RoleRequestCompetencyFactory(role_request=request, competency=competency, min_level=4)
    member = MemberFactory(organisation=organisation)
    MemberCompetencyFactory(member=member, competency=competency, level=1)
    MemberFactory.create_batch(3, organisation=organisation)
    return request, member, competency


@pytest.fixture
def pool_with_request(committed_db):
    scene = request_and_weak_member()
    services.matches_rebuild(today=TODAY)
    return scene


def score(request, member) -> float:
    return Match.objects.get(role_request=request, member=member).score


def edit_level(member, competency, level: int) -> None:
    """What a profile edit does: change the level and mark the member stale, atomically."""
    with transaction.atomic():
        member.competencies.filter(competency=competency).update(level=level)
        member_matches_invalidate(member_ids=[member.pk])


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"condition not met within {timeout}s")


def is_current(member) -> bool:
    return not Member.objects.filter(pk=member.pk, matches_stale_since__isnull=False).exists()


def test_level_raise_reaches_the_match_through_the_worker(celery_worker_process, pool_with_request):
    request, member, competency = pool_with_request
    before = score(request, member)
    edit_level(member, competency, 4)
    wait_until(lambda: is_current(member) and score(request, member) > before)


def test_a_weights_change_reaches_every_match_through_the_worker(
    celery_worker_process, pool_with_request
):
    request, member, _competency = pool_with_request
    assert score(request, member) != pytest.approx(25)
    matching_weights_update(
        values={"competency": 1, "role_experience": 0, "role_preference": 0, "availability": 0},
        by=UserFactory(),
    )
    changed_at = MatchingWeights.objects.get(pk=1).updated_at
    assert anything_stale()  # everything marked; the rebuild task was sent on commit
    wait_until(lambda: not weights_recompute_pending(changed_at=changed_at))
    # Only competencies count now: level 1 of the minimum 4 scores a quarter.
    assert score(request, member) == pytest.approx(25)
    assert not anything_stale()


def use_broker(url: str) -> None:
    """Point this process's producer at another broker URL, dropping pooled connections."""
    pools.reset()  # kombu's process-wide connection and producer pools
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_down():
    """As if Redis were stopped: sending fails until the block ends."""
    original = app.conf.broker_url
    use_broker(CLOSED_PORT_BROKER)
    try:
        yield
    finally:
        use_broker(original)


def test_edit_during_broker_outage_is_saved_and_caught_up_by_the_sweep(
    celery_worker_process, pool_with_request, caplog
):
    request, member, competency = pool_with_request
    before = score(request, member)
    with broker_down(), caplog.at_level(logging.WARNING, logger="config.celery"):
        edit_level(member, competency, 4)
    member.refresh_from_db()
    assert member.competencies.get(competency=competency).level == 4
    assert member.matches_stale_since is not None
    assert "broker unreachable" in caplog.text
    assert sweep_stale_matches.delay().get(timeout=60) == {"members": 1, "role_requests": 0}
    assert is_current(member)
    assert score(request, member) > before


def snapshot(member) -> list[tuple]:
    return sorted(
        Match.objects.filter(member=member).values_list(
            "role_request_id", "score", "explanation", "in_request_top", "in_member_top"
        )
    )


def test_a_task_delivered_twice_gives_the_same_result(celery_worker_process, pool_with_request):
    request, member, competency = pool_with_request
    member.competencies.filter(competency=competency).update(level=3)
    Member.objects.filter(pk=member.pk).update(matches_stale_since=timezone.now())
    first = recompute_member_matches.delay(member_id=member.pk)
    second = recompute_member_matches.delay(member_id=member.pk)
    # The first does the work; the duplicate finds the member current and does nothing.
    assert sorted([first.get(timeout=30), second.get(timeout=30)]) == [False, True]
    once = snapshot(member)
    Member.objects.filter(pk=member.pk).update(matches_stale_since=timezone.now())
    assert recompute_member_matches.delay(member_id=member.pk).get(timeout=30) is True
    assert snapshot(member) == once


def all_matches() -> list[tuple]:
    return sorted(
        Match.objects.values_list(
            "role_request_id",
            "member_id",
            "score",
            "explanation",
            "in_request_top",
            "in_member_top",
        )
    )


def anything_stale() -> bool:
    return (
        Member.objects.filter(matches_stale_since__isnull=False).exists()
        or RoleRequest.objects.filter(matches_stale_since__isnull=False).exists()
    )


def running_task_pid(task_name: str, timeout: float = 60.0) -> int:
    """The pid of the worker child that is executing a task called `task_name`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active = app.control.inspect(timeout=0.5, limit=1).active() or {}
        for tasks in active.values():
            for task in tasks:
                if task["name"] == task_name:
                    return task["worker_pid"]
    pytest.fail(f"no worker started {task_name} within {timeout}s")


def test_a_worker_killed_mid_recompute_runs_it_again_to_the_same_result(committed_db):
    bench_dataset(members=4000, requests=400, competencies=60, seed=3, today=TODAY)
    services.matches_rebuild(today=TODAY)
    uninterrupted = all_matches()
    Match.objects.all().delete()

    with worker_running("--pool", "prefork", "--concurrency", "1"):
        matches_invalidate_all()  # marks everything stale and sends the rebuild task
        child = running_task_pid(REBUILD_TASK)
        os.kill(child, signal.SIGKILL)
        # Killed before it committed: its work is rolled back and everything still stale.
        assert anything_stale()
        # acks_late with reject-on-worker-lost puts the task back; a new child runs it.
        wait_until(lambda: not anything_stale(), timeout=120)

    assert all_matches() == uninterrupted
