"""POST /opgaven/{uuid}/automatisch-bezetten: the proposals, and nothing created."""

from __future__ import annotations

from decimal import Decimal

from rest_framework.test import APIClient

from assignments.models import Assignment
from pool import access
from tests.api.conftest import API, problem
from tests.factories import (
    CompetencyFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)


def test_api_10_automatisch_bezetten_proposes_and_creates_nothing(api, organisation, advisor):
    skill = CompetencyFactory(name_nl="Verbinden")
    opgave = OpgaveFactory(organisation=organisation)
    role_request = RoleRequestFactory(opgave=opgave, hours_per_week=Decimal(8))
    RoleRequestCompetencyFactory(role_request=role_request, competency=skill, min_level=3)
    best = MemberFactory(organisation=organisation, pool_hours=Decimal(8))
    MemberCompetencyFactory(member=best, competency=skill, level=4)
    MemberCompetencyFactory(
        member=MemberFactory(organisation=organisation, pool_hours=Decimal(8)),
        competency=skill,
        level=1,
    )
    url = f"{API}/opgaven/{opgave.uuid}/automatisch-bezetten"

    body = api.as_user(advisor).post(url).json()
    assert [(p["rolvraag"], p["medewerker"]) for p in body["voorstellen"]] == [
        (str(role_request.uuid), str(best.uuid))
    ]
    assert body["voorstellen"][0]["naam"] == best.full_name
    assert "Verbinden" in body["voorstellen"][0]["toelichting"]
    assert body["plaatsenBezet"] == 1 and body["optimaal"] is True
    assert body["totaleScore"] >= body["totaleScorePerRolvraag"] > 0
    assert not Assignment.objects.exists()

    schema = APIClient().get(f"{API}/openapi.json").json()
    assert set(schema["paths"][f"{API}/opgaven/{{uuid}}/automatisch-bezetten"]) == {"post"}
    problem(api.as_user(advisor).get(url), 405)


def test_automatisch_bezetten_without_open_requests(api, organisation, advisor):
    opgave = OpgaveFactory(organisation=organisation)
    body = api.as_user(advisor).post(f"{API}/opgaven/{opgave.uuid}/automatisch-bezetten").json()
    assert body == {
        "voorstellen": [],
        "totaleScore": 0.0,
        "totaleScorePerRolvraag": 0.0,
        "plaatsenBezet": 0,
        "optimaal": True,
    }


def test_automatisch_bezetten_is_for_the_advisor_who_serves_it(api, organisation, manager):
    opgave = OpgaveFactory(organisation=organisation, owner=manager)
    url = f"{API}/opgaven/{opgave.uuid}/automatisch-bezetten"
    problem(api.as_user(manager).post(url), 403)
    other_advisor = UserFactory(groups=[access.HR_ADVISOR])
    problem(api.as_user(other_advisor).post(url), 404)
