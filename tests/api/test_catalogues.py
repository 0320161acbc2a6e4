from __future__ import annotations

import pytest

from competencies.models import Competency, Role
from pool import access
from tests.api.conftest import API, problem
from tests.factories import CompetencyFactory, RoleFactory, UserFactory


@pytest.mark.parametrize("group", access.ALL_GROUPS)
def test_catalogues_readable_by_every_group(api, group):
    client = api.as_user(UserFactory(groups=[group]))
    for collection in ("competenties", "rollen"):
        response = client.get(f"{API}/{collection}")
        assert response.status_code == 200
        assert response.json()["count"] > 0  # seeded by the data migration


def test_catalogues_need_authentication(api):
    problem(api.get(f"{API}/competenties"), 401)
    problem(api.get(f"{API}/rollen/regie"), 401)


def test_competency_by_code(api, member):
    competency = CompetencyFactory(name_nl="Verbinden", name_en="Connecting")
    body = api.as_user(member.user).get(f"{API}/competenties/{competency.code}").json()
    assert body == {
        "code": competency.code,
        "naamNl": "Verbinden",
        "naamEn": "Connecting",
        "omschrijvingNl": "",
        "omschrijvingEn": "",
        "volgorde": 0,
        "actief": True,
        "groep": {
            "code": competency.group.code,
            "naamNl": competency.group.name_nl,
            "naamEn": competency.group.name_en,
            "omschrijvingNl": "",
            "omschrijvingEn": "",
            "volgorde": 0,
            "actief": True,
        },
        "escoUri": None,
    }


def test_competencies_filtered_by_group(api, member):
    competency = CompetencyFactory()
    response = api.as_user(member.user).get(f"{API}/competenties?groep={competency.group.code}")
    assert [c["code"] for c in response.json()["results"]] == [competency.code]


def test_core_roles(api, member):
    response = api.as_user(member.user).get(f"{API}/rollen?kernrol=true")
    codes = {r["code"] for r in response.json()["results"]}
    assert codes == set(Role.objects.filter(is_core=True).values_list("code", flat=True))
    assert len(codes) == 5
    regie = api.get(f"{API}/rollen/regie").json()
    assert regie["kernrol"] is True and regie["naamNl"]


def test_unknown_code_is_404(api, member):
    problem(api.as_user(member.user).get(f"{API}/rollen/bestaat-niet"), 404)


@pytest.mark.parametrize("extra", [3, 20])
def test_catalogue_lists_run_constant_queries(api, member, django_assert_num_queries, extra):
    CompetencyFactory.create_batch(extra)
    RoleFactory.create_batch(extra)
    client = api.as_user(member.user)
    with django_assert_num_queries(2):  # count, page (groups joined)
        response = client.get(f"{API}/competenties?paginaGrootte=200")
    assert len(response.json()["results"]) == min(Competency.objects.count(), 200)
    with django_assert_num_queries(2):
        response = client.get(f"{API}/rollen")
    assert len(response.json()["results"]) == min(Role.objects.count(), 50)
