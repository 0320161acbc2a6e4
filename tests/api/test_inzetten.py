from __future__ import annotations

from decimal import Decimal

import pytest

from assignments.models import Assignment, AssignmentTransition
from pool import access
from tests.api.conftest import API, problem, uuids
from tests.factories import (
    AssignmentFactory,
    MemberFactory,
    OpgaveFactory,
    RoleRequestFactory,
    UserFactory,
)

State = Assignment.State


@pytest.fixture
def proposal(member, organisation):
    """A proposal for `member` on an opgave of `organisation` (which `advisor` serves)."""
    return AssignmentFactory(
        member=member, role_request__opgave__organisation=organisation, state=State.PROPOSED
    )


def test_member_sees_own_inzet_only(api, member, proposal):
    someone_elses = AssignmentFactory(role_request=proposal.role_request)
    client = api.as_user(member.user)
    assert uuids(client.get(f"{API}/inzetten")) == {str(proposal.uuid)}
    body = client.get(f"{API}/inzetten/{proposal.uuid}").json()
    assert body["medewerker"] == str(member.uuid)
    assert body["rolvraag"] == str(proposal.role_request.uuid)
    assert body["status"] == "proposed"
    problem(client.get(f"{API}/inzetten/{someone_elses.uuid}"), 404)


def test_advisor_sees_inzet_on_opgaven_they_staff(api, advisor, proposal):
    elsewhere = AssignmentFactory()
    client = api.as_user(advisor)
    assert uuids(client.get(f"{API}/inzetten")) == {str(proposal.uuid)}
    problem(client.get(f"{API}/inzetten/{elsewhere.uuid}"), 404)


def test_manager_sees_people_confirmed_on_own_opgaven(api, manager):
    role_request = RoleRequestFactory(opgave=OpgaveFactory(owner=manager))
    confirmed = AssignmentFactory(role_request=role_request, state=State.CONFIRMED)
    proposed = AssignmentFactory(role_request=role_request, state=State.PROPOSED)
    client = api.as_user(manager)
    assert uuids(client.get(f"{API}/inzetten")) == {str(confirmed.uuid)}
    problem(client.get(f"{API}/inzetten/{proposed.uuid}"), 404)


def test_a_functional_administrator_may_not_list_inzet(api, administrator, proposal):
    """Staffing is no part of their work in the browser: 403, not an empty list."""
    client = api.as_user(administrator)
    problem(client.get(f"{API}/inzetten"), 403)
    problem(client.get(f"{API}/inzetten/{proposal.uuid}"), 404)


def test_member_accepts(api, member, proposal):
    response = api.as_user(member.user).post(f"{API}/inzetten/{proposal.uuid}/accepteren")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    proposal.refresh_from_db()
    assert proposal.state == State.ACCEPTED


def test_member_declines_with_a_reason(api, member, proposal):
    client = api.as_user(member.user)
    body = problem(client.post(f"{API}/inzetten/{proposal.uuid}/afwijzen", {}, format="json"), 400)
    assert [p["name"] for p in body["invalidParams"]] == ["reden"]
    response = client.post(
        f"{API}/inzetten/{proposal.uuid}/afwijzen", {"reden": "Te druk dit kwartaal"}, format="json"
    )
    assert response.json()["status"] == "declined"
    assert AssignmentTransition.objects.get(assignment=proposal, to_state=State.DECLINED).reason


def test_member_cannot_answer_someone_elses_proposal(api, member, proposal):
    other = AssignmentFactory(role_request=proposal.role_request, state=State.PROPOSED)
    client = api.as_user(member.user)
    problem(client.post(f"{API}/inzetten/{other.uuid}/accepteren"), 404)
    problem(client.post(f"{API}/inzetten/{other.uuid}/afwijzen", {"reden": "x"}), 404)
    problem(client.post(f"{API}/inzetten/{proposal.uuid}/bevestigen"), 403)
    other.refresh_from_db()
    assert other.state == State.PROPOSED


def test_advisor_confirms_and_withdraws(api, advisor, proposal):
    proposal.state = State.ACCEPTED
    proposal.save()
    client = api.as_user(advisor)
    problem(client.post(f"{API}/inzetten/{proposal.uuid}/accepteren"), 403)
    response = client.post(f"{API}/inzetten/{proposal.uuid}/bevestigen")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    response = client.post(
        f"{API}/inzetten/{proposal.uuid}/intrekken", {"reden": "Opgave stopt"}, format="json"
    )
    assert response.json()["status"] == "withdrawn"


def test_advisor_cannot_confirm_elsewhere(api, advisor):
    elsewhere = AssignmentFactory(state=State.ACCEPTED)
    problem(api.as_user(advisor).post(f"{API}/inzetten/{elsewhere.uuid}/bevestigen"), 404)


def test_a_refused_step_is_409(api, advisor, proposal):
    body = problem(api.as_user(advisor).post(f"{API}/inzetten/{proposal.uuid}/bevestigen"), 409)
    assert "voorgesteld" in body["detail"]


@pytest.mark.parametrize("rows", [3, 20])
def test_inzet_list_runs_constant_queries(
    api, organisation, advisor, django_assert_num_queries, rows
):
    role_request = RoleRequestFactory(opgave__organisation=organisation)
    AssignmentFactory.create_batch(rows, role_request=role_request)
    with django_assert_num_queries(3):  # groups, count, page (everything joined)
        response = api.as_user(advisor).get(f"{API}/inzetten")
    assert len(response.json()["results"]) == rows


def test_inzet_filters(api, advisor, organisation):
    role_request = RoleRequestFactory(opgave__organisation=organisation)
    member = MemberFactory(organisation=organisation, pool_hours=Decimal(20))
    mine = AssignmentFactory(role_request=role_request, member=member, state=State.CONFIRMED)
    AssignmentFactory(role_request=role_request, state=State.PROPOSED)
    client = api.as_user(advisor)
    assert uuids(client.get(f"{API}/inzetten?medewerker={member.uuid}")) == {str(mine.uuid)}
    assert uuids(client.get(f"{API}/inzetten?status=confirmed")) == {str(mine.uuid)}


def test_only_members_answer_proposals(api, proposal):
    client = api.as_user(UserFactory(groups=[access.MANAGER]))
    problem(client.post(f"{API}/inzetten/{proposal.uuid}/accepteren"), 403)
