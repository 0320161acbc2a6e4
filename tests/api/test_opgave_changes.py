"""Changing opgaven and rolvragen through the API: the same services as the browser, so
the same rules, history and match recomputes; 404 for what is not the caller's own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from assignments.matching.services import RECOMPUTE_REQUEST_TASK
from assignments.models import Assignment, Opgave, OpgaveLogEntry, RoleRequest
from pool import access
from tests.api.conftest import API, invalid_names, problem
from tests.factories import (
    AssignmentFactory,
    CompetencyFactory,
    OpgaveFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)

State = Assignment.State


def recomputed(callbacks) -> set[int]:
    """The role requests whose recompute was sent after commit."""
    return {
        c.keywords["role_request_id"]
        for c in callbacks
        if getattr(c, "args", None) == (RECOMPUTE_REQUEST_TASK,)
    }


@pytest.fixture
def opgave(manager, organisation):
    """The manager's open opgave, of the organisation `advisor` serves, with a role request."""
    own = OpgaveFactory(owner=manager, organisation=organisation)
    RoleRequestFactory(opgave=own)
    return own


# --- PATCH /opgaven/{uuid} --------------------------------------------------------------


def test_patch_opgave_changes_only_what_is_sent(api, manager, opgave):
    description = opgave.description
    response = api.as_user(manager).patch(
        f"{API}/opgaven/{opgave.uuid}", {"titel": "Nieuwe titel"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["titel"] == "Nieuwe titel"
    assert response.json()["aantalRolvragen"] == 1
    opgave.refresh_from_db()
    assert (opgave.title, opgave.description) == ("Nieuwe titel", description)
    entry = OpgaveLogEntry.objects.get(opgave=opgave, action="updated")
    assert entry.actor == manager
    assert entry.data["changes"]["title"][1] == "Nieuwe titel"


def test_patch_opgave_period_recomputes_its_matches(
    api, manager, opgave, django_capture_on_commit_callbacks
):
    later = (opgave.end + timedelta(weeks=4)).isoformat()
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.as_user(manager).patch(
            f"{API}/opgaven/{opgave.uuid}", {"einddatum": later}, format="json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["einddatum"] == later
    assert recomputed(callbacks) == {opgave.role_requests.get().pk}


def test_patch_opgave_lists_every_bad_field(api, manager, opgave):
    assert invalid_names(
        api.as_user(manager).patch(
            f"{API}/opgaven/{opgave.uuid}",
            {"voorspelbaarheid": "soms", "startdatum": "morgen", "titel": ""},
            format="json",
        )
    ) == {
        "voorspelbaarheid",
        "startdatum",
        "titel",
    }


def test_patch_opgave_end_before_start_is_400(api, manager, opgave):
    early = (opgave.start - timedelta(days=1)).isoformat()
    assert invalid_names(
        api.as_user(manager).patch(
            f"{API}/opgaven/{opgave.uuid}", {"einddatum": early}, format="json"
        )
    ) == {"einddatum"}


def test_patch_opgave_period_refused_by_the_service_names_the_field(api, manager, opgave):
    later = (opgave.start + timedelta(weeks=1)).isoformat()  # the role request starts before
    assert invalid_names(
        api.as_user(manager).patch(
            f"{API}/opgaven/{opgave.uuid}", {"startdatum": later}, format="json"
        )
    ) == {"startdatum"}


def test_patch_a_completed_opgave_is_409(api, manager):
    opgave = OpgaveFactory(owner=manager, status=Opgave.Status.COMPLETED)
    body = problem(
        api.as_user(manager).patch(f"{API}/opgaven/{opgave.uuid}", {"titel": "x"}, format="json"),
        409,
    )
    assert "afgerond" in body["detail"]


def test_patch_opgave_of_another_manager_is_404(api, manager):
    other = OpgaveFactory()
    problem(
        api.as_user(manager).patch(f"{API}/opgaven/{other.uuid}", {"titel": "x"}, format="json"),
        404,
    )
    other.refresh_from_db()
    assert other.title != "x"


@pytest.mark.parametrize("group", [access.HR_ADVISOR, access.MEMBER, access.LINE_MANAGER])
def test_only_the_opdrachtgever_patches(api, opgave, organisation, group):
    user = UserFactory(groups=[group])
    organisation.hr_advisors.add(user)
    problem(
        api.as_user(user).patch(f"{API}/opgaven/{opgave.uuid}", {"titel": "x"}, format="json"),
        403,
    )


def test_put_is_not_offered(api, manager, opgave):
    problem(api.as_user(manager).put(f"{API}/opgaven/{opgave.uuid}", {}, format="json"), 405)


# --- POST /opgaven/{uuid}/afronden, /annuleren -----------------------------------------


def test_api_10_afronden_completes_confirmed_inzet(api, manager, opgave):
    role_request = opgave.role_requests.get()
    confirmed = AssignmentFactory(role_request=role_request, state=State.CONFIRMED)
    proposed = AssignmentFactory(role_request=role_request, state=State.PROPOSED)
    client = api.as_user(manager)
    assert invalid_names(
        client.post(f"{API}/opgaven/{opgave.uuid}/afronden", {}, format="json")
    ) == {"reden"}
    response = client.post(
        f"{API}/opgaven/{opgave.uuid}/afronden", {"reden": "Klaar"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "completed"
    confirmed.refresh_from_db()
    proposed.refresh_from_db()
    assert (confirmed.state, proposed.state) == (State.COMPLETED, State.WITHDRAWN)
    assert OpgaveLogEntry.objects.get(opgave=opgave, action="completed").reason == "Klaar"


def test_api_10_annuleren_withdraws_all_inzet(api, manager, opgave):
    confirmed = AssignmentFactory(role_request=opgave.role_requests.get(), state=State.CONFIRMED)
    response = api.as_user(manager).post(
        f"{API}/opgaven/{opgave.uuid}/annuleren", {"reden": "Geen budget"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    confirmed.refresh_from_db()
    assert confirmed.state == State.WITHDRAWN


def test_afronden_a_concept_is_409(api, manager):
    opgave = OpgaveFactory(owner=manager, status=Opgave.Status.CONCEPT)
    body = problem(
        api.as_user(manager).post(
            f"{API}/opgaven/{opgave.uuid}/afronden", {"reden": "x"}, format="json"
        ),
        409,
    )
    assert "concept" in body["detail"]


@pytest.mark.parametrize("step", ["afronden", "annuleren", "kopieren"])
def test_opgave_steps_on_another_managers_opgave_are_404(api, manager, step):
    other = OpgaveFactory()
    problem(api.as_user(manager).post(f"{API}/opgaven/{other.uuid}/{step}", {}, format="json"), 404)
    other.refresh_from_db()
    assert other.status == Opgave.Status.OPEN
    assert Opgave.objects.count() == 1


@pytest.mark.parametrize("step", ["afronden", "annuleren", "kopieren"])
def test_opgave_steps_are_for_the_opdrachtgever(api, advisor, opgave, step):
    problem(
        api.as_user(advisor).post(
            f"{API}/opgaven/{opgave.uuid}/{step}", {"reden": "x"}, format="json"
        ),
        403,
    )


# --- POST /opgaven/{uuid}/kopieren -----------------------------------------------------


def test_api_10_kopieren_makes_a_concept_with_the_role_requests(api, manager, opgave):
    need = RoleRequestCompetencyFactory(role_request=opgave.role_requests.get(), min_level=3)
    AssignmentFactory(role_request=need.role_request, state=State.CONFIRMED)
    start = opgave.start + timedelta(weeks=52)
    response = api.as_user(manager).post(
        f"{API}/opgaven/{opgave.uuid}/kopieren", {"startdatum": start.isoformat()}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    copy = Opgave.objects.get(uuid=body["uuid"])
    assert response["Location"] == f"http://testserver{API}/opgaven/{copy.uuid}"
    assert (body["status"], body["startdatum"], body["aantalRolvragen"]) == (
        "concept",
        start.isoformat(),
        1,
    )
    copied = copy.role_requests.get()
    assert [(n.competency_id, n.min_level) for n in copied.competency_needs.all()] == [
        (need.competency_id, 3)
    ]
    assert not copied.assignments.exists()


def test_kopieren_without_a_date_keeps_the_dates(api, manager, opgave):
    response = api.as_user(manager).post(f"{API}/opgaven/{opgave.uuid}/kopieren")
    assert response.status_code == 201, response.content
    assert response.json()["startdatum"] == opgave.start.isoformat()


def test_kopieren_past_the_calendar_is_400(api, manager, opgave):
    assert invalid_names(
        api.as_user(manager).post(
            f"{API}/opgaven/{opgave.uuid}/kopieren", {"startdatum": "9999-12-01"}, format="json"
        )
    ) == {"startdatum"}
    assert Opgave.objects.count() == 1


# --- PATCH and DELETE /rolvragen/{uuid} ------------------------------------------------


def test_patch_rolvraag_with_competencies_recomputes(
    api, manager, opgave, django_capture_on_commit_callbacks
):
    role_request = opgave.role_requests.get()
    RoleRequestCompetencyFactory(role_request=role_request)
    wanted = CompetencyFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.as_user(manager).patch(
            f"{API}/rolvragen/{role_request.uuid}",
            {
                "urenPerWeek": 12,
                "competenties": [{"competentie": wanted.code, "minimumniveau": 3}],
            },
            format="json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["urenPerWeek"] == 12.0
    assert response.json()["competenties"] == [
        {"competentie": wanted.code, "minimumniveau": 3, "vereist": True}
    ]
    role_request.refresh_from_db()
    assert role_request.hours_per_week == Decimal(12)
    assert role_request.matches_stale_since is not None
    assert recomputed(callbacks) == {role_request.pk}
    assert OpgaveLogEntry.objects.filter(opgave=opgave, action="role_request_changed").exists()


def test_patch_rolvraag_without_competencies_keeps_them(api, manager, opgave):
    need = RoleRequestCompetencyFactory(role_request=opgave.role_requests.get(), required=False)
    response = api.as_user(manager).patch(
        f"{API}/rolvragen/{need.role_request.uuid}", {"aantalPersonen": 3}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["aantalPersonen"] == 3
    assert response.json()["competenties"] == [
        {"competentie": need.competency.code, "minimumniveau": 2, "vereist": False}
    ]


def test_patch_rolvraag_lists_every_bad_field(api, manager, opgave):
    role_request = opgave.role_requests.get()
    assert invalid_names(
        api.as_user(manager).patch(
            f"{API}/rolvragen/{role_request.uuid}",
            {
                "urenPerWeek": 0,
                "rol": "bestaat-niet",
                "competenties": [{"competentie": "nee", "minimumniveau": 9}],
            },
            format="json",
        )
    ) == {
        "urenPerWeek",
        "rol",
        "competenties.0.competentie",
        "competenties.0.minimumniveau",
    }


def test_patch_rolvraag_outside_the_opgave_is_refused_by_the_service(api, manager, opgave):
    role_request = opgave.role_requests.get()
    late = (opgave.end + timedelta(days=1)).isoformat()
    assert invalid_names(
        api.as_user(manager).patch(
            f"{API}/rolvragen/{role_request.uuid}", {"einddatum": late}, format="json"
        )
    ) == {"einddatum"}


def test_patch_rolvraag_with_someone_confirmed_only_grows(api, manager, opgave):
    role_request = opgave.role_requests.get()
    AssignmentFactory(role_request=role_request, state=State.CONFIRMED)
    client = api.as_user(manager)
    url = f"{API}/rolvragen/{role_request.uuid}"
    body = problem(client.patch(url, {"urenPerWeek": 4}, format="json"), 409)
    assert "bevestigd" in body["detail"]
    response = client.patch(url, {"aantalPersonen": 2}, format="json")
    assert response.status_code == 200, response.content


def test_rolvraag_changes_on_another_managers_opgave_are_404(api, manager, organisation):
    other = RoleRequestFactory(opgave__organisation=organisation)
    client = api.as_user(manager)
    problem(client.patch(f"{API}/rolvragen/{other.uuid}", {"aantalPersonen": 3}), 404)
    problem(client.delete(f"{API}/rolvragen/{other.uuid}"), 404)
    assert RoleRequest.objects.get(pk=other.pk).people == 1


def test_an_advisor_who_sees_the_rolvraag_may_not_change_it(api, advisor, opgave):
    role_request = opgave.role_requests.get()
    client = api.as_user(advisor)
    assert client.get(f"{API}/rolvragen/{role_request.uuid}").status_code == 200
    problem(client.patch(f"{API}/rolvragen/{role_request.uuid}", {"aantalPersonen": 3}), 403)
    problem(client.delete(f"{API}/rolvragen/{role_request.uuid}"), 403)


def test_a_manager_who_is_also_advisor_changes_only_own_rolvragen(api, advisor, organisation):
    """Seeing a request (as HR) is not owning it: 404, as in the browser."""
    advisor.groups.add(*UserFactory(groups=[access.MANAGER]).groups.all())
    served = RoleRequestFactory(opgave__organisation=organisation)
    client = api.as_user(advisor)
    assert client.get(f"{API}/rolvragen/{served.uuid}").status_code == 200
    problem(client.patch(f"{API}/rolvragen/{served.uuid}", {"aantalPersonen": 3}), 404)


def test_delete_rolvraag_without_inzet_deletes_it(api, manager, opgave):
    role_request = opgave.role_requests.get()
    response = api.as_user(manager).delete(f"{API}/rolvragen/{role_request.uuid}")
    assert response.status_code == 204
    assert not RoleRequest.objects.filter(pk=role_request.pk).exists()
    assert OpgaveLogEntry.objects.filter(opgave=opgave, action="role_request_removed").exists()


def test_delete_rolvraag_with_proposals_withdraws_it(api, manager, opgave):
    role_request = opgave.role_requests.get()
    proposal = AssignmentFactory(role_request=role_request, state=State.PROPOSED)
    response = api.as_user(manager).delete(
        f"{API}/rolvragen/{role_request.uuid}?reden=Niet+meer+nodig"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    proposal.refresh_from_db()
    assert proposal.state == State.WITHDRAWN
    entry = OpgaveLogEntry.objects.get(opgave=opgave, action="role_request_withdrawn")
    assert entry.reason == "Niet meer nodig"


def test_delete_rolvraag_with_someone_confirmed_is_409(api, manager, opgave):
    role_request = opgave.role_requests.get()
    AssignmentFactory(role_request=role_request, state=State.CONFIRMED)
    body = problem(api.as_user(manager).delete(f"{API}/rolvragen/{role_request.uuid}"), 409)
    assert "bevestigd" in body["detail"]
    assert RoleRequest.objects.get(pk=role_request.pk).status == RoleRequest.Status.OPEN


# --- The OpenAPI document --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "method", "success"),
    [
        ("/opgaven/{uuid}", "patch", "200"),
        ("/opgaven/{uuid}/afronden", "post", "200"),
        ("/opgaven/{uuid}/annuleren", "post", "200"),
        ("/opgaven/{uuid}/kopieren", "post", "201"),
        ("/rolvragen/{uuid}", "patch", "200"),
        ("/rolvragen/{uuid}", "delete", "204"),
        ("/inzetten", "post", "201"),
        ("/inzetten/{uuid}/vrijgeven", "post", "200"),
        ("/inzetten/{uuid}/niet-vrijgeven", "post", "200"),
    ],
)
def test_new_operations_are_documented_with_their_errors(db, client, path, method, success):
    operation = client.get(f"{API}/openapi.json").json()["paths"][API + path][method]
    assert operation["description"]
    assert {success, "400", "403", "404", "409"} <= set(operation["responses"])
    conflict = operation["responses"]["409"]["content"]
    assert conflict["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


def test_a_patch_on_a_version_that_is_gone_is_refused(api, manager):
    """The ETag of a GET, sent back as If-Match: a second client's PATCH made on the same
    GET does not undo the first one's (tests/test_concurrency.py for the pages)."""
    opgave = OpgaveFactory(owner=manager, status=Opgave.Status.CONCEPT, title="Oud")
    client = api.as_user(manager)
    url = f"{API}/opgaven/{opgave.uuid}"
    etag = client.get(url).headers["ETag"]
    first = client.patch(url, {"titel": "Eerste"}, format="json", headers={"If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag

    second = client.patch(url, {"titel": "Tweede"}, format="json", headers={"If-Match": etag})
    problem(second, 412)
    opgave.refresh_from_db()
    assert opgave.title == "Eerste"
    # Without If-Match, or with "*", the last write wins, as before.
    assert client.patch(url, {"titel": "Derde"}, format="json").status_code == 200
    anything = client.patch(url, {"titel": "Vierde"}, format="json", headers={"If-Match": "*"})
    assert anything.status_code == 200
