"""Stored explanations read as sentences, with names fetched in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from assignments.matching import services
from assignments.matching.explain import names_for, read
from assignments.models import Match
from tests.factories import (
    TODAY,
    CompetencyFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    RoleExperienceFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def match():
    request = RoleRequestFactory(
        hours_per_week=Decimal(16), open_to_development=True, opgave=OpgaveFactory()
    )
    member = MemberFactory(organisation=request.opgave.organisation, pool_hours=Decimal(12))
    social = CompetencyFactory(name_nl="Sociaal domein", name_en="Social domain")
    linking = CompetencyFactory(name_nl="Verbindend", name_en="Connecting")
    budget = CompetencyFactory(name_nl="Financiën", name_en="Finance")
    for competency, minimum in ((social, 3), (linking, 3), (budget, 2)):
        RoleRequestCompetencyFactory(role_request=request, competency=competency, min_level=minimum)
    MemberCompetencyFactory(member=member, competency=social, level=3)
    MemberCompetencyFactory(member=member, competency=linking, level=2)
    LearningGoalFactory(member=member, competency=linking, target_level=3)
    RoleExperienceFactory(member=member, role=request.role, experience=2, preference=2)
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    return Match.objects.get(role_request=request, member=member)


def test_explanation_reads_as_a_dutch_sentence(match, django_assert_num_queries):
    with django_assert_num_queries(2):
        competencies, roles = names_for([match.explanation])
    reading = read(match.explanation, competencies, roles)
    assert reading.met == ["Sociaal domein: 3/3"]
    assert reading.short == ["Verbindend: 2/3 (onder het minimum)"]
    assert reading.missing == ["Financiën: ontbreekt"]
    assert reading.hours == "beschikbaar: 12 van 16 uur"
    assert reading.learning == ["Verbindend"]
    assert "ruime ervaring, voorkeur: graag" in reading.role
    assert reading.summary.startswith("Sociaal domein: 3/3; Verbindend: 2/3")


def test_names_follow_the_active_language(match):
    with translation.override("en"):
        competencies, _ = names_for([match.explanation])
        assert "Social domain" in read(match.explanation, competencies, {}).met[0]
