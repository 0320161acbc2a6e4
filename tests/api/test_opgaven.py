from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from assignments.matching.services import RECOMPUTE_REQUEST_TASK
from assignments.models import Match, Opgave, OpgaveLogEntry, RoleRequest
from pool import access
from pool.models import Organisation
from tests.api.conftest import API, problem, uuids
from tests.factories import (
    TODAY,
    CompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)


def new_opgave(organisation, **changes) -> dict:
    return {
        "titel": "Warmtetransitie Overvecht",
        "omschrijving": "Wijkaanpak aardgasvrij.",
        "organisatie": str(organisation.uuid),
        "startdatum": (TODAY + timedelta(weeks=1)).isoformat(),
        "einddatum": (TODAY + timedelta(weeks=40)).isoformat(),
        "voorspelbaarheid": "unpredictable",
        "complexiteit": "complex",
        **changes,
    }


# --- Opgaven ----------------------------------------------------------------------------


def test_manager_sees_own_opgaven(api, manager):
    own = OpgaveFactory(owner=manager)
    someone_elses = OpgaveFactory()
    client = api.as_user(manager)
    assert uuids(client.get(f"{API}/opgaven")) == {str(own.uuid)}
    assert client.get(f"{API}/opgaven/{own.uuid}").json()["titel"] == own.title
    problem(client.get(f"{API}/opgaven/{someone_elses.uuid}"), 404)


def test_advisor_sees_opgaven_of_organisations_they_serve(api, organisation, advisor):
    served = OpgaveFactory(organisation=organisation)
    elsewhere = OpgaveFactory()
    client = api.as_user(advisor)
    assert uuids(client.get(f"{API}/opgaven")) == {str(served.uuid)}
    problem(client.get(f"{API}/opgaven/{elsewhere.uuid}"), 404)


@pytest.mark.parametrize("group", [access.MEMBER, access.LINE_MANAGER, access.ADMINISTRATOR])
def test_other_groups_may_not_list_opgaven(api, group):
    """They see no opgave pages either: the list is refused, not answered empty, and an
    opgave itself stays 404, as for anyone it is not visible to."""
    opgave = OpgaveFactory()
    client = api.as_user(UserFactory(groups=[group]))
    body = problem(client.get(f"{API}/opgaven"), 403)
    assert body["code"] == "permission_denied"
    assert body["detail"] == "Jouw gebruikersgroep heeft geen toegang tot deze lijst."
    problem(client.get(f"{API}/opgaven/{opgave.uuid}"), 404)
    problem(client.get(f"{API}/rolvragen"), 403)
    problem(client.get(f"{API}/rolvragen/{RoleRequestFactory(opgave=opgave).uuid}"), 404)


def test_an_account_in_no_group_may_list_only_the_catalogues(api):
    client = api.as_user(UserFactory())
    for collection in ("opgaven", "rolvragen", "inzetten", "medewerkers", "organisaties"):
        problem(client.get(f"{API}/{collection}"), 403)
    problem(client.get(f"{API}/matches"), 403)
    assert client.get(f"{API}/rollen").status_code == 200
    assert client.get(f"{API}/competenties").status_code == 200


def test_a_group_that_may_list_is_not_refused_for_its_other_groups(api, organisation, advisor):
    """Groups add up: a member who is also an HR advisor lists what the advisor sees."""
    served = OpgaveFactory(organisation=organisation)
    advisor.groups.add(Group.objects.get(name=access.MEMBER))
    assert uuids(api.as_user(advisor).get(f"{API}/opgaven")) == {str(served.uuid)}


def test_opgave_fields(api, manager):
    opgave = OpgaveFactory(owner=manager)
    RoleRequestFactory(opgave=opgave)
    body = api.as_user(manager).get(f"{API}/opgaven/{opgave.uuid}").json()
    assert body["organisatie"] == str(opgave.organisation.uuid)
    assert body["startdatum"] == opgave.start.isoformat()
    assert body["status"] == "open"
    assert body["maatwerk"] is True
    assert (body["aantalRolvragen"], body["aantalOpenRolvragen"]) == (1, 1)
    assert body["aangemaakt"].endswith("Z")


def test_opgaven_filtered_by_start(api, manager):
    early = OpgaveFactory(owner=manager, start=TODAY, end=TODAY + timedelta(weeks=4))
    late = OpgaveFactory(owner=manager, start=TODAY + timedelta(weeks=8))
    client = api.as_user(manager)
    later = (TODAY + timedelta(weeks=1)).isoformat()
    assert uuids(client.get(f"{API}/opgaven?startdatumVanaf={later}")) == {str(late.uuid)}
    assert uuids(client.get(f"{API}/opgaven?startdatumTotEnMet={later}")) == {str(early.uuid)}


def test_manager_creates_opgave_through_the_service(api, manager, organisation):
    response = api.as_user(manager).post(f"{API}/opgaven", new_opgave(organisation), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    opgave = Opgave.objects.get(uuid=body["uuid"])
    assert response["Location"] == f"http://testserver{API}/opgaven/{opgave.uuid}"
    assert (opgave.owner, opgave.organisation, opgave.status) == (manager, organisation, "concept")
    assert body["titel"] == "Warmtetransitie Overvecht"
    assert body["sturingsaccent"] == "network"
    assert OpgaveLogEntry.objects.filter(opgave=opgave, action="created", actor=manager).exists()


def test_only_managers_create_opgaven(api, advisor, organisation):
    problem(
        api.as_user(advisor).post(f"{API}/opgaven", new_opgave(organisation), format="json"), 403
    )
    assert not Opgave.objects.exists()


def test_opgave_only_for_organisations_the_browser_offers(api, manager):
    supplier = OrganisationFactory(kind=Organisation.Kind.SUPPLIER)
    body = problem(
        api.as_user(manager).post(f"{API}/opgaven", new_opgave(supplier), format="json"), 400
    )
    assert [p["name"] for p in body["invalidParams"]] == ["organisatie"]


def test_manager_opens_opgave(api, manager):
    opgave = OpgaveFactory(owner=manager, status=Opgave.Status.CONCEPT)
    client = api.as_user(manager)
    body = problem(client.post(f"{API}/opgaven/{opgave.uuid}/openen"), 409)
    assert "rol" in body["detail"]
    RoleRequestFactory(opgave=opgave)
    response = client.post(f"{API}/opgaven/{opgave.uuid}/openen")
    assert response.status_code == 200
    assert response.json()["status"] == "open"


@pytest.mark.parametrize("rows", [3, 20])
def test_opgave_list_runs_constant_queries(api, manager, django_assert_num_queries, rows):
    for opgave in OpgaveFactory.create_batch(rows, owner=manager):
        RoleRequestFactory.create_batch(2, opgave=opgave)
    with django_assert_num_queries(3):  # groups, count, page (annotated, joined)
        response = api.as_user(manager).get(f"{API}/opgaven")
    assert len(response.json()["results"]) == rows


# --- Rolvragen --------------------------------------------------------------------------


def new_role_request(opgave, **changes) -> dict:
    return {
        "opgave": str(opgave.uuid),
        "rol": RoleFactory().code,
        "urenPerWeek": 12,
        "startdatum": opgave.start.isoformat(),
        "einddatum": opgave.end.isoformat(),
        "aantalPersonen": 2,
        "competenties": [
            {"competentie": CompetencyFactory().code, "minimumniveau": 3, "vereist": True},
            {"competentie": CompetencyFactory().code, "minimumniveau": 2, "vereist": False},
        ],
        **changes,
    }


def test_role_requests_visible_through_their_opgave(api, organisation, advisor, manager):
    own = RoleRequestFactory(opgave=OpgaveFactory(owner=manager, organisation=organisation))
    other = RoleRequestFactory()
    assert uuids(api.as_user(manager).get(f"{API}/rolvragen")) == {str(own.uuid)}
    problem(api.get(f"{API}/rolvragen/{other.uuid}"), 404)
    assert uuids(api.as_user(advisor).get(f"{API}/rolvragen")) == {str(own.uuid)}
    member = MemberFactory(organisation=organisation, user=UserFactory(groups=[access.MEMBER]))
    problem(api.as_user(member.user).get(f"{API}/rolvragen"), 403)
    problem(api.get(f"{API}/rolvragen/{own.uuid}"), 404)


def test_role_request_fields(api, manager):
    need = RoleRequestCompetencyFactory(
        role_request=RoleRequestFactory(opgave=OpgaveFactory(owner=manager)), min_level=3
    )
    role_request = need.role_request
    body = api.as_user(manager).get(f"{API}/rolvragen/{role_request.uuid}").json()
    assert body["opgave"] == str(role_request.opgave.uuid)
    assert body["rol"] == role_request.role.code
    assert body["urenPerWeek"] == 8.0
    assert body["competenties"] == [
        {"competentie": need.competency.code, "minimumniveau": 3, "vereist": True}
    ]


def test_manager_creates_role_request_and_matches_are_invalidated(
    api, manager, django_capture_on_commit_callbacks
):
    opgave = OpgaveFactory(owner=manager, status=Opgave.Status.CONCEPT)
    payload = new_role_request(opgave)
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.as_user(manager).post(f"{API}/rolvragen", payload, format="json")
    assert response.status_code == 201, response.content
    role_request = RoleRequest.objects.get(uuid=response.json()["uuid"])
    assert role_request.opgave == opgave and role_request.people == 2
    assert role_request.matches_stale_since is not None
    recomputes = [  # sent after commit, as for a request made in the browser
        c.keywords for c in callbacks if getattr(c, "args", None) == (RECOMPUTE_REQUEST_TASK,)
    ]
    assert recomputes == [{"role_request_id": role_request.pk}]
    assert sorted(
        (n.competency.code, n.min_level, n.required) for n in role_request.competency_needs.all()
    ) == sorted(
        (c["competentie"], c["minimumniveau"], c["vereist"]) for c in payload["competenties"]
    )
    assert response.json()["matchesWordenBerekend"] is True
    assert response["Location"].endswith(f"/rolvragen/{role_request.uuid}")


def test_role_request_on_someone_elses_opgave_is_refused(api, manager):
    opgave = OpgaveFactory()
    body = problem(
        api.as_user(manager).post(f"{API}/rolvragen", new_role_request(opgave), format="json"),
        400,
    )
    assert [p["name"] for p in body["invalidParams"]] == ["opgave"]
    assert not RoleRequest.objects.exists()


def test_role_request_outside_the_opgave_period_is_refused_by_the_service(api, manager):
    opgave = OpgaveFactory(owner=manager)
    late = (opgave.end + timedelta(days=1)).isoformat()
    body = problem(
        api.as_user(manager).post(
            f"{API}/rolvragen", new_role_request(opgave, einddatum=late), format="json"
        ),
        400,
    )
    assert [p["name"] for p in body["invalidParams"]] == ["einddatum"]


def test_only_managers_create_role_requests(api, organisation, advisor):
    opgave = OpgaveFactory(organisation=organisation)
    problem(
        api.as_user(advisor).post(f"{API}/rolvragen", new_role_request(opgave), format="json"),
        403,
    )


@pytest.mark.parametrize("rows", [3, 20])
def test_role_request_list_runs_constant_queries(api, manager, django_assert_num_queries, rows):
    opgave = OpgaveFactory(owner=manager)
    for role_request in RoleRequestFactory.create_batch(rows, opgave=opgave):
        RoleRequestCompetencyFactory.create_batch(2, role_request=role_request)
    with django_assert_num_queries(4):  # groups, count, page, competencies
        response = api.as_user(manager).get(f"{API}/rolvragen")
    assert len(response.json()["results"]) == rows


# --- Matches ----------------------------------------------------------------------------


def store_matches(role_request, scores: list[float], in_request_top: bool = True):
    competency = CompetencyFactory(name_nl="Verbinden")
    need = {"competency": competency.pk, "min_level": 2, "level": 3, "required": True}
    return [
        Match.objects.create(
            role_request=role_request,
            member=MemberFactory(),
            score=score,
            in_request_top=in_request_top,
            in_member_top=not in_request_top,
            computed_at=role_request.created_at,
            explanation={
                "parts": {"competency": {"value": 0.5, "weight": 3}},
                "competencies": [{**need, "status": "met"}],
                "hours": {"free": 8, "requested": 8},
                "role": {"role": role_request.role_id, "experience": 2, "preference": 2},
                "learning_goals": [],
            },
        )
        for score in scores
    ]


def test_advisor_reads_matches_best_first(api, organisation, advisor):
    role_request = RoleRequestFactory(opgave__organisation=organisation)
    low, high = store_matches(role_request, [40, 90])
    store_matches(role_request, [99], in_request_top=False)  # kept for the member only
    response = api.as_user(advisor).get(f"{API}/rolvragen/{role_request.uuid}/matches")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["medewerker"] for r in results] == [str(high.member.uuid), str(low.member.uuid)]
    assert results[0]["score"] == 90
    assert "Verbinden: 3/2" in results[0]["toelichting"]
    assert results[0]["onderdelen"] == [{"onderdeel": "competency", "waarde": 0.5, "gewicht": 3}]


def test_matches_are_for_hr(api, manager):
    role_request = RoleRequestFactory(opgave=OpgaveFactory(owner=manager))
    problem(api.as_user(manager).get(f"{API}/rolvragen/{role_request.uuid}/matches"), 403)


def test_matches_of_unseen_request_are_404(api, advisor):
    role_request = RoleRequestFactory()
    problem(api.as_user(advisor).get(f"{API}/rolvragen/{role_request.uuid}/matches"), 404)


@pytest.mark.parametrize("rows", [3, 20])
def test_match_list_runs_constant_queries(
    api, organisation, advisor, django_assert_num_queries, rows
):
    role_request = RoleRequestFactory(opgave__organisation=organisation)
    store_matches(role_request, [float(i) for i in range(rows)])
    # groups, the request (with its competencies), count, page, competency and role names
    with django_assert_num_queries(7):
        response = api.as_user(advisor).get(f"{API}/rolvragen/{role_request.uuid}/matches")
    assert len(response.json()["results"]) == rows
