"""The API's newer parts: matches, a member's competencies, ordering, and 500 as problem+json."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from assignments.models import Match, Opgave
from tests.api.conftest import API, problem
from tests.api.test_opgaven import store_matches
from tests.factories import (
    TODAY,
    CompetencyFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    RoleRequestFactory,
)


def member_match(member, role_request, score=50.0, *, in_request_top=False) -> Match:
    return Match.objects.create(
        role_request=role_request,
        member=member,
        score=score,
        in_request_top=in_request_top,
        in_member_top=True,
        computed_at=role_request.created_at,
        explanation={},
    )


def test_api_matches_follow_the_pages(api, organisation, advisor, member, manager):
    served = RoleRequestFactory(opgave__organisation=organisation)
    elsewhere = RoleRequestFactory()
    candidates = store_matches(served, [40, 90])
    store_matches(elsewhere, [95])
    store_matches(served, [99], in_request_top=False)  # kept for that member's Kansen only
    own_open = member_match(member, RoleRequestFactory(), 70)
    closed = RoleRequestFactory(opgave__status=Opgave.Status.COMPLETED)
    member_match(member, closed, 80)  # not an open opportunity any more

    body = api.as_user(advisor).get(f"{API}/matches").json()
    assert [r["score"] for r in body["results"]] == [90, 40]
    assert {r["rolvraag"] for r in body["results"]} == {str(served.uuid)}
    assert body["results"][0]["medewerker"] == str(candidates[1].member.uuid)

    body = api.as_user(member.user).get(f"{API}/matches").json()
    assert [(r["rolvraag"], r["score"]) for r in body["results"]] == [
        (str(own_open.role_request.uuid), 70)
    ]
    problem(api.as_user(manager).get(f"{API}/matches"), 403)  # no candidates on their pages
    problem(APIClient().get(f"{API}/matches"), 401)


def test_api_matches_filtered_by_rolvraag_and_medewerker(api, organisation, advisor):
    first = RoleRequestFactory(opgave__organisation=organisation)
    second = RoleRequestFactory(opgave=first.opgave)
    low, _high = store_matches(first, [40, 60])
    store_matches(second, [50])
    client = api.as_user(advisor)
    by_request = client.get(f"{API}/matches?rolvraag={second.uuid}").json()["results"]
    assert [r["score"] for r in by_request] == [50]
    by_member = client.get(f"{API}/matches?medewerker={low.member.uuid}").json()["results"]
    assert [r["score"] for r in by_member] == [40]
    ascending = client.get(f"{API}/matches?sorteer=score").json()["results"]
    assert [r["score"] for r in ascending] == [40, 50, 60]


@pytest.mark.parametrize("rows", [5, 50])
def test_api_match_list_runs_constant_queries(
    api, organisation, advisor, django_assert_num_queries, rows
):
    role_request = RoleRequestFactory(opgave__organisation=organisation)
    store_matches(role_request, [float(i) for i in range(rows)])
    client = api.as_user(advisor)
    # groups, count, page (member and request joined), competency and role names
    with django_assert_num_queries(5):
        response = client.get(f"{API}/matches?paginaGrootte=200")
    assert len(response.json()["results"]) == rows


def test_api_member_competencies_subcollection(api, organisation, advisor, member):
    b = MemberCompetencyFactory(
        member=member, competency=CompetencyFactory(code="b-kunde"), level=4
    )
    a = MemberCompetencyFactory(
        member=member, competency=CompetencyFactory(code="a-kunde"), level=2
    )
    url = f"{API}/medewerkers/{member.uuid}/competenties"
    body = api.as_user(member.user).get(url).json()
    assert body["results"] == [
        {"competentie": a.competency.code, "niveau": 2, "onderbouwing": ""},
        {"competentie": b.competency.code, "niveau": 4, "onderbouwing": ""},
    ]
    by_level = api.as_user(advisor).get(f"{url}?sorteer=-niveau").json()["results"]
    assert [r["niveau"] for r in by_level] == [4, 2]
    stranger = MemberFactory()
    problem(api.as_user(advisor).get(f"{API}/medewerkers/{stranger.uuid}/competenties"), 404)
    problem(api.as_user(member.user).get(f"{url}?sorteer=onzin"), 400)


@pytest.mark.parametrize("rows", [5, 50])
def test_api_member_competencies_run_constant_queries(api, member, django_assert_num_queries, rows):
    MemberCompetencyFactory.create_batch(rows, member=member)
    client = api.as_user(member.user)
    with django_assert_num_queries(4):  # groups, the member, count, page
        response = client.get(f"{API}/medewerkers/{member.uuid}/competenties?paginaGrootte=200")
    assert len(response.json()["results"]) == rows


def test_api_ordering_on_every_collection(api, manager):
    schema = APIClient().get(f"{API}/openapi.json").json()
    collections = [
        (path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method == "get" and "pagina" in {p["name"] for p in operation.get("parameters", [])}
    ]
    assert len(collections) >= 10
    for path, operation in collections:
        assert "sorteer" in {p["name"] for p in operation["parameters"]}, path

    later = OpgaveFactory(owner=manager, title="B", start=TODAY + timedelta(weeks=9))
    earlier = OpgaveFactory(owner=manager, title="A", start=TODAY + timedelta(weeks=3))
    client = api.as_user(manager)
    for sort, expected in (("titel", [earlier, later]), ("-startdatum", [later, earlier])):
        results = client.get(f"{API}/opgaven?sorteer={sort}").json()["results"]
        assert [r["uuid"] for r in results] == [str(o.uuid) for o in expected]
    body = problem(client.get(f"{API}/opgaven?sorteer=geheim"), 400)
    assert [p["name"] for p in body["invalidParams"]] == ["sorteer"]


def test_500_is_problem_json_and_logged(api, member, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("stuk")

    monkeypatch.setattr("pool.api.members_visible_to", broken)
    response = api.as_user(member.user).get(f"{API}/medewerkers")
    body = problem(response, 500)
    assert "stuk" not in response.content.decode()
    assert body["code"] == "server_error"
    assert response["API-Version"] == "1.3.0"
    assert any(r.exc_info and "stuk" in str(r.exc_info[1]) for r in caplog.records)


def test_found_by_schemathesis_odd_paths_and_values_are_4xx_problems(api, manager):
    client = api.as_user(manager)
    problem(client.get(f"{API}/organisaties/a%0Ab"), 404)  # a newline in the path
    problem(client.get(f"{API}/rolvragen/{'0' * 36}/matches"), 404)  # not a UUID
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(manager)
    problem(session.post(f"{API}/inzetten/x/accepteren"), 404)  # not a CSRF failure
    opgave = OpgaveFactory(owner=manager)
    body = problem(
        client.post(
            f"{API}/rolvragen",
            {
                "opgave": str(opgave.uuid),
                "rol": "regie\x00",
                "urenPerWeek": 8,
                "startdatum": str(opgave.start),
                "einddatum": str(opgave.end),
            },
            format="json",
        ),
        400,
    )
    assert [p["name"] for p in body["invalidParams"]] == ["rol"]
