"""Auto-staffing on stored data, and the benchmark command on a tiny data set."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from assignments.matching import services
from assignments.matching.adapter import open_role_requests
from assignments.models import Assignment
from pool.models import Member
from tests.factories import (
    TODAY,
    AssignmentFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db


def test_autostaff_respects_hours_and_places_already_taken():
    organisation = OrganisationFactory()
    opgave = OpgaveFactory(organisation=organisation)
    # Two requests of 12 hours; each member has 16 pool hours, so one request each.
    first, second = (
        RoleRequestFactory(opgave=opgave, hours_per_week=Decimal(12)) for _ in range(2)
    )
    taken = RoleRequestFactory(opgave=opgave, hours_per_week=Decimal(4))
    AssignmentFactory(role_request=taken, state=Assignment.State.PROPOSED)
    members = MemberFactory.create_batch(2, organisation=organisation)
    outcome = services.autostaff_compute(
        requests=open_role_requests(today=TODAY),
        members=Member.objects.filter(pk__in=[m.pk for m in members]),
        today=TODAY,
    )
    chosen = {(p.role_request_id, p.member_id) for p in outcome.proposals}
    assert {r for r, _ in chosen} == {first.pk, second.pk}
    assert len({m for _, m in chosen}) == 2  # nobody on both: 24 hours would overbook
    assert outcome.optimal.filled == 2
    assert outcome.optimal.objective >= outcome.greedy.objective


def test_bench_matching_prints_its_figures(capsys, committed_db):
    # committed_db: the command VACUUMs, which cannot run inside a test's transaction.
    call_command("bench_matching", members=30, requests=6, competencies=45, scarce_members=10)
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in (
        "full_rebuild_s",
        "member_update_ms_p50",
        "member_update_ms_p95",
        "member_update_ms_warm_up_max",
        "request_update_ms_p50",
        "request_update_ms_p95",
        "request_update_ms_warm_up_max",
        "scoring_floor_s",
        "rebuild_vs_floor",
        "autostaff_s",
        "autostaff_objective",
        "autostaff_filled",
        "autostaff_gap",
        "greedy_objective",
        "greedy_filled",
        "scarce_autostaff_s",
        "scarce_greedy_objective",
    ):
        assert key in figures, key
    assert figures["autostaff_objective"] >= figures["greedy_objective"]
