"""The database itself refuses bad pool data, whatever a form or import lets through."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from tests.factories import (
    TODAY,
    AvailabilityFactory,
    CompetencyFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OrganisationFactory,
    RoleExperienceFactory,
)

pytestmark = pytest.mark.django_db


def refused(factory, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


@pytest.mark.parametrize("code", ["GM034", "0344", "gm0344", "GMabcd"])
def test_organisation_cbs_code_must_be_gm_and_four_digits(code):
    refused(OrganisationFactory, cbs_code=code)


def test_organisation_cbs_code_too_long_is_refused():
    with pytest.raises(DataError), transaction.atomic():
        OrganisationFactory(cbs_code="GM03444")


def test_organisation_cbs_code_is_unique_and_may_be_empty():
    OrganisationFactory(cbs_code="GM0344")
    OrganisationFactory(cbs_code=None)
    OrganisationFactory(cbs_code=None)
    refused(OrganisationFactory, cbs_code="GM0344")


def test_organisation_kind_must_be_known():
    refused(OrganisationFactory, kind="ministerie")


@pytest.mark.parametrize(
    ("contract", "pool"),
    [(Decimal(0), Decimal(0)), (Decimal(36), Decimal(40)), (Decimal(36), Decimal(-1))],
)
def test_member_hours_must_be_sane(contract, pool):
    refused(MemberFactory, contract_hours=contract, pool_hours=pool)


def test_member_personnel_number_unique_within_organisation():
    first = MemberFactory(personnel_number="P1")
    MemberFactory(personnel_number="P1")  # another organisation: allowed
    refused(MemberFactory, personnel_number="P1", organisation=first.organisation)


@pytest.mark.parametrize("level", [0, 5])
def test_member_competency_level_between_1_and_4(level):
    refused(MemberCompetencyFactory, level=level)


def test_member_has_one_level_per_competency():
    held = MemberCompetencyFactory(level=2)
    refused(MemberCompetencyFactory, member=held.member, competency=held.competency, level=3)


@pytest.mark.parametrize(("experience", "preference"), [(4, 1), (1, 3)])
def test_role_experience_and_preference_ranges(experience, preference):
    refused(RoleExperienceFactory, experience=experience, preference=preference)


def test_availability_needs_positive_hours_and_end_after_start():
    refused(AvailabilityFactory, hours_per_week=Decimal(0))
    refused(AvailabilityFactory, start=TODAY, end=TODAY - timedelta(days=1))
    AvailabilityFactory(start=TODAY, end=TODAY)  # a single day is a valid period


@pytest.mark.parametrize("level", [0, 5])
def test_learning_goal_level_between_1_and_4(level):
    refused(LearningGoalFactory, target_level=level)


def test_one_learning_goal_per_competency():
    goal = LearningGoalFactory()
    refused(LearningGoalFactory, member=goal.member, competency=goal.competency)


def test_competency_esco_uri_is_unique():
    CompetencyFactory(esco_uri="http://data.europa.eu/esco/skill/x")
    refused(CompetencyFactory, esco_uri="http://data.europa.eu/esco/skill/x")
