"""HR proposes through POST /inzetten; the line manager releases the hours (or not) through
POST /inzetten/{uuid}/vrijgeven and /niet-vrijgeven; every inzet shows its release."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.db.models import F

from assignments.models import Assignment, AssignmentTransition, Match, Release
from notifications.models import Notification
from pool import access
from tests.api.conftest import API, invalid_names, problem
from tests.factories import (
    AssignmentFactory,
    MemberFactory,
    OrganisationFactory,
    RoleRequestFactory,
    UserFactory,
)

State = Assignment.State


@pytest.fixture
def role_request(organisation):
    """An open role request on an open opgave of the organisation `advisor` serves."""
    return RoleRequestFactory(opgave__organisation=organisation)


def propose(client, role_request, member):
    return client.post(
        f"{API}/inzetten",
        {"rolvraag": str(role_request.uuid), "medewerker": str(member.uuid)},
        format="json",
    )


# --- POST /inzetten ---------------------------------------------------------------------


def test_advisor_proposes_with_the_stored_score(api, advisor, role_request, member):
    Match.objects.create(
        role_request=role_request,
        member=member,
        score=77.5,
        explanation={},
        in_request_top=True,
        computed_at=role_request.created_at,
    )
    response = propose(api.as_user(advisor), role_request, member)
    assert response.status_code == 201, response.content
    body = response.json()
    assignment = Assignment.objects.get(uuid=body["uuid"])
    assert response["Location"] == f"http://testserver{API}/inzetten/{assignment.uuid}"
    assert (body["status"], body["score"], body["medewerker"]) == (
        "proposed",
        77.5,
        str(member.uuid),
    )
    assert (assignment.role_request, assignment.member) == (role_request, member)
    assert AssignmentTransition.objects.get(assignment=assignment).by == advisor
    # The member is told, as when HR proposes in the browser.
    assert Notification.objects.filter(recipient=member.user, kind="proposed").exists()


def test_a_proposal_without_a_stored_match_has_no_score(api, advisor, role_request, member):
    response = propose(api.as_user(advisor), role_request, member)
    assert response.status_code == 201, response.content
    assert response.json()["score"] is None


def test_a_member_shared_by_another_organisation_can_be_proposed(
    api, advisor, organisation, role_request
):
    organisation.shares_members = True
    organisation.save()
    shared = MemberFactory(organisation=OrganisationFactory(shares_members=True), shareable=True)
    assert propose(api.as_user(advisor), role_request, shared).status_code == 201


def test_proposing_outside_the_advisors_organisations_is_400_for_both(api, advisor, member):
    elsewhere = RoleRequestFactory()
    stranger = MemberFactory()
    assert invalid_names(propose(api.as_user(advisor), elsewhere, stranger)) == {
        "rolvraag",
        "medewerker",
    }
    assert not Assignment.objects.exists()


def test_proposing_twice_is_409(api, advisor, role_request, member):
    client = api.as_user(advisor)
    assert propose(client, role_request, member).status_code == 201
    body = problem(propose(client, role_request, member), 409)
    assert "al voorgesteld" in body["detail"]
    assert Assignment.objects.count() == 1


def test_proposing_on_a_filled_request_is_409(api, advisor, role_request, member):
    role_request.status = role_request.Status.FILLED
    role_request.save()
    problem(propose(api.as_user(advisor), role_request, member), 409)


@pytest.mark.parametrize("group", [access.MANAGER, access.MEMBER, access.LINE_MANAGER])
def test_only_hr_proposes(api, organisation, role_request, member, group):
    user = UserFactory(groups=[group])
    organisation.hr_advisors.add(user)  # serving an organisation makes nobody HR
    problem(propose(api.as_user(user), role_request, member), 403)
    assert not Assignment.objects.exists()


# --- The release of an inzet ------------------------------------------------------------


@pytest.fixture
def line_manager(db):
    return UserFactory(groups=[access.LINE_MANAGER], first_name="Lies", last_name="Bakker")


@pytest.fixture
def accepted(member, role_request, line_manager):
    """Accepted inzet of `member`, whose release `line_manager` has to decide."""
    member.line_manager = line_manager
    member.save()
    assignment = AssignmentFactory(role_request=role_request, member=member, state=State.ACCEPTED)
    Release.objects.create(assignment=assignment)
    return assignment


def test_inzet_without_release_says_it_needs_none(api, advisor, role_request):
    assignment = AssignmentFactory(role_request=role_request)
    body = api.as_user(advisor).get(f"{API}/inzetten/{assignment.uuid}").json()
    assert body["vrijgave"] == {
        "status": "not_required",
        "gevraagdOp": None,
        "besluitDoor": None,
        "besluitOp": None,
        "reden": "",
    }


def test_inzet_shows_a_pending_release(api, member, accepted):
    body = api.as_user(member.user).get(f"{API}/inzetten/{accepted.uuid}").json()
    assert body["vrijgave"]["status"] == "pending"
    requested = accepted.release.requested_at.astimezone(UTC)
    assert body["vrijgave"]["gevraagdOp"] == requested.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert body["vrijgave"]["besluitDoor"] is None


def test_api_10_vrijgeven_by_the_line_manager(api, advisor, line_manager, accepted):
    response = api.as_user(line_manager).post(f"{API}/inzetten/{accepted.uuid}/vrijgeven")
    assert response.status_code == 200, response.content
    release = response.json()["vrijgave"]
    assert (release["status"], release["besluitDoor"]) == ("approved", "Lies Bakker")
    assert release["besluitOp"].endswith("Z")
    assert response.json()["status"] == "accepted"
    # Now HR can confirm.
    confirmed = api.as_user(advisor).post(f"{API}/inzetten/{accepted.uuid}/bevestigen")
    assert confirmed.json()["status"] == "confirmed", confirmed.content


def test_hr_cannot_confirm_before_release(api, advisor, accepted):
    body = problem(api.as_user(advisor).post(f"{API}/inzetten/{accepted.uuid}/bevestigen"), 409)
    assert "vrijgave" in body["detail"].lower()


def test_api_10_niet_vrijgeven_needs_a_reason_and_ends_the_inzet(api, line_manager, accepted):
    client = api.as_user(line_manager)
    url = f"{API}/inzetten/{accepted.uuid}/niet-vrijgeven"
    assert invalid_names(client.post(url, {}, format="json")) == {"reden"}
    response = client.post(url, {"reden": "Piek in de zomer"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "withdrawn"
    assert body["vrijgave"]["status"] == "refused"
    assert body["vrijgave"]["reden"] == "Piek in de zomer"


def test_a_decided_release_is_409(api, line_manager, accepted):
    client = api.as_user(line_manager)
    assert client.post(f"{API}/inzetten/{accepted.uuid}/vrijgeven").status_code == 200
    body = problem(client.post(f"{API}/inzetten/{accepted.uuid}/vrijgeven"), 409)
    assert "al besloten" in body["detail"]


def test_a_line_manager_reads_the_inzet_that_takes_their_peoples_hours(
    api, line_manager, accepted, role_request
):
    AssignmentFactory(member=accepted.member)  # only proposed: takes no hours yet
    AssignmentFactory(role_request=role_request, state=State.CONFIRMED)  # someone else's
    body = api.as_user(line_manager).get(f"{API}/inzetten").json()
    assert [row["uuid"] for row in body["results"]] == [str(accepted.uuid)]
    other = api.as_user(UserFactory(groups=[access.LINE_MANAGER])).get(f"{API}/inzetten")
    assert other.json()["results"] == []


def test_another_line_manager_gets_404(api, accepted):
    other = UserFactory(groups=[access.LINE_MANAGER])
    client = api.as_user(other)
    problem(client.post(f"{API}/inzetten/{accepted.uuid}/vrijgeven"), 404)
    problem(client.post(f"{API}/inzetten/{accepted.uuid}/niet-vrijgeven", {"reden": "x"}), 404)
    accepted.release.refresh_from_db()
    assert accepted.release.decision == Release.Decision.PENDING


@pytest.mark.parametrize("group", [access.HR_ADVISOR, access.MEMBER, access.MANAGER])
def test_only_line_managers_release(api, accepted, line_manager, group):
    line_manager.groups.set(UserFactory(groups=[group]).groups.all())  # was, is no longer
    problem(api.as_user(line_manager).post(f"{API}/inzetten/{accepted.uuid}/vrijgeven"), 403)


@pytest.mark.parametrize("rows", [3, 20])
def test_inzet_list_with_releases_runs_constant_queries(
    api, advisor, role_request, line_manager, django_assert_num_queries, rows
):
    for assignment in AssignmentFactory.create_batch(
        rows, role_request=role_request, state=State.ACCEPTED
    ):
        Release.objects.create(assignment=assignment)
    Release.objects.update(
        decision=Release.Decision.APPROVED, decided_by=line_manager, decided_at=F("requested_at")
    )
    with django_assert_num_queries(3):  # groups, count, page (releases and deciders joined)
        response = api.as_user(advisor).get(f"{API}/inzetten")
    results = response.json()["results"]
    assert len(results) == rows
    assert {r["vrijgave"]["besluitDoor"] for r in results} == {"Lies Bakker"}
