"""The database refuses invalid opgaven, role requests and inzet."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from assignments.models import Assignment, AssignmentTransition
from tests.factories import (
    TODAY,
    AssignmentFactory,
    OpgaveFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db


def refused(factory, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "archived"},
        {"predictability": "random"},
        {"complexity": "extreme"},
        {"governance": "anarchy"},
        {"start": TODAY, "end": TODAY - timedelta(days=1)},
    ],
)
def test_opgave_refuses_invalid_values(fields):
    refused(OpgaveFactory, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"hours_per_week": Decimal(0)},
        {"hours_per_week": Decimal(-4)},
        {"people": 0},
        {"status": "half"},
        {"start": TODAY, "end": TODAY - timedelta(days=1)},
    ],
)
def test_role_request_refuses_invalid_values(fields):
    refused(RoleRequestFactory, **fields)


@pytest.mark.parametrize("level", [0, 5])
def test_role_request_competency_level_between_1_and_4(level):
    refused(RoleRequestCompetencyFactory, min_level=level)


def test_role_request_asks_each_competency_once():
    need = RoleRequestCompetencyFactory()
    refused(
        RoleRequestCompetencyFactory,
        role_request=need.role_request,
        competency=need.competency,
        required=False,
    )


@pytest.mark.parametrize("fields", [{"state": "maybe"}, {"hours_per_week": Decimal(0)}])
def test_assignment_refuses_invalid_values(fields):
    refused(AssignmentFactory, **fields)


def test_one_active_assignment_per_member_and_request():
    first = AssignmentFactory(state=Assignment.State.PROPOSED)
    refused(AssignmentFactory, role_request=first.role_request, member=first.member)
    # Once declined, the member can be proposed again.
    first.state = Assignment.State.DECLINED
    first.save()
    AssignmentFactory(role_request=first.role_request, member=first.member)


def test_assignment_transition_state_must_be_known():
    assignment = AssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentTransition.objects.create(assignment=assignment, to_state="teleported")


def test_maatwerk_advice_follows_classification():
    standard = OpgaveFactory.build(predictability="predictable", complexity="simple")
    complex_but_known = OpgaveFactory.build(predictability="predictable", complexity="complex")
    new_work = OpgaveFactory.build(predictability="unpredictable", complexity="simple")
    assert not standard.is_maatwerk
    assert complex_but_known.is_maatwerk
    assert new_work.is_maatwerk
