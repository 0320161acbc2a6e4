"""A member's own profile through the API: everything Mijn profiel does, through the page's
forms and services, so the same rules, the same match recomputes; nobody else changes it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from assignments.matching.services import matches_rebuild
from assignments.models import Match
from pool import access
from pool.models import (
    AuditEntry,
    Availability,
    LearningGoal,
    Leave,
    Member,
    MemberCompetency,
    RoleExperience,
)
from pool.services import RECOMPUTE_MEMBER_TASK
from tests.api.conftest import API, invalid_names, problem, uuids
from tests.assignments.matching.test_worker import score, wait_until
from tests.conftest import worker_running
from tests.factories import (
    TODAY,
    AvailabilityFactory,
    CompetencyFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleExperienceFactory,
    RoleFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)


def recomputed(callbacks) -> list[int]:
    """The members whose recompute was sent after commit, in order."""
    return [
        c.keywords["member_id"]
        for c in callbacks
        if getattr(c, "args", None) == (RECOMPUTE_MEMBER_TASK,)
    ]


def stale(member: Member) -> bool:
    member.refresh_from_db(fields=["matches_stale_since"])
    return member.matches_stale_since is not None


@pytest.fixture
def me(api, member):
    """The member's own API client."""
    return api.as_user(member.user)


@pytest.fixture
def write(me, django_capture_on_commit_callbacks):
    """Send a write as the member; (response, the member ids whose recompute was sent)."""

    def send(method: str, path: str, body: dict | None = None):
        with django_capture_on_commit_callbacks() as callbacks:
            response = getattr(me, method)(f"{API}/{path}", body, format="json")
        return response, recomputed(callbacks)

    return send


def url(member: Member, part: str = "") -> str:
    return f"medewerkers/{member.uuid}{part}"


# --- The member record ---------------------------------------------------------------------


def test_member_changes_own_details_and_pool_hours_recompute(write, member):
    response, sent = write(
        "patch",
        url(member),
        {"email": "a.jansen@example.org", "afdeling": "Ruimte", "poolUrenPerWeek": 20.5},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["email"], body["afdeling"], body["poolUrenPerWeek"]) == (
        "a.jansen@example.org",
        "Ruimte",
        20.5,
    )
    member.refresh_from_db()
    assert (member.email, member.unit, member.pool_hours) == (
        "a.jansen@example.org",
        "Ruimte",
        Decimal("20.5"),
    )
    assert stale(member) and sent == [member.pk]  # as after the page's form
    assert not AuditEntry.objects.exists()  # the page writes no audit entry either


def test_patch_changes_only_what_is_sent(write, member):
    member.email, member.shareable = "oud@example.org", True
    member.save()
    response, sent = write("patch", url(member), {"afdeling": "Sociaal domein"})
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.email, member.unit, member.pool_hours, member.shareable) == (
        "oud@example.org",
        "Sociaal domein",
        Decimal(16),
        True,
    )
    assert not stale(member) and sent == []  # nothing matching uses changed


def test_patch_lists_every_invalid_field(write, member):
    response, _sent = write(
        "patch", url(member), {"email": "geen-adres", "deelbaar": "ja", "afdeling": 7}
    )
    assert invalid_names(response) == {"email", "deelbaar", "afdeling"}
    member.refresh_from_db()
    assert member.email == ""


def test_pool_hours_above_contract_are_refused_by_the_service(write, member):
    response, sent = write("patch", url(member), {"poolUrenPerWeek": 40})
    body = problem(response, 400)
    assert [(p["name"], p["code"]) for p in body["invalidParams"]] == [
        ("poolUrenPerWeek", "above_contract")
    ]
    assert "36" in body["invalidParams"][0]["reason"]
    assert sent == [] and not stale(member)


def test_pool_hours_with_two_decimals_are_refused_as_on_the_page(write, member):
    response, _sent = write("patch", url(member), {"poolUrenPerWeek": 16.25})
    assert invalid_names(response) == {"poolUrenPerWeek"}


def test_member_confirms_profile(me, member):
    response = me.post(f"{API}/{url(member, '/bevestigen')}")
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.profile_confirmed_at is not None
    assert response.json()["profielBevestigdOp"].endswith("Z")


def test_advisor_sees_the_member_but_may_not_change_it(api, advisor, member):
    client = api.as_user(advisor)
    assert client.get(f"{API}/{url(member)}").status_code == 200
    problem(client.patch(f"{API}/{url(member)}", {"afdeling": "X"}, format="json"), 403)
    problem(client.post(f"{API}/{url(member, '/bevestigen')}"), 403)


def test_member_who_is_also_advisor_may_not_change_a_colleague(api, organisation, member):
    """Seeing a member (in one's pool) is not being them: 403, not 404."""
    user = UserFactory(groups=[access.MEMBER, access.HR_ADVISOR])
    organisation.hr_advisors.add(user)
    MemberFactory(organisation=organisation, user=user)
    client = api.as_user(user)
    problem(client.patch(f"{API}/{url(member)}", {"afdeling": "X"}, format="json"), 403)
    problem(client.get(f"{API}/{url(member, '/leerdoelen')}"), 403)


def test_another_member_is_not_found(api, member):
    other = MemberFactory(user=UserFactory(groups=[access.MEMBER]))
    client = api.as_user(other.user)
    problem(client.patch(f"{API}/{url(member)}", {"afdeling": "X"}, format="json"), 404)
    for part in ("/competenties", "/leerdoelen", "/rolervaringen", "/verloven"):
        problem(client.get(f"{API}/{url(member, part)}"), 404)
    member.refresh_from_db()
    assert member.unit == ""


@pytest.mark.parametrize("group", [access.MANAGER, access.LINE_MANAGER, access.ADMINISTRATOR])
def test_other_groups_are_refused(api, member, group):
    client = api.as_user(UserFactory(groups=[group]))
    problem(client.patch(f"{API}/{url(member)}", {"afdeling": "X"}, format="json"), 403)
    problem(client.get(f"{API}/{url(member, '/beschikbaarheden')}"), 403)
    body = {"competentie": CompetencyFactory().code, "niveau": 2}
    problem(client.post(f"{API}/{url(member, '/competenties')}", body, format="json"), 403)


# --- Competencies ----------------------------------------------------------------------------


def test_member_adds_a_competency(write, member):
    competency = CompetencyFactory()
    response, sent = write(
        "post",
        url(member, "/competenties"),
        {"competentie": competency.code, "niveau": 3, "onderbouwing": "Wijkaanpak geleid."},
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "competentie": competency.code,
        "niveau": 3,
        "onderbouwing": "Wijkaanpak geleid.",
    }
    assert response["Location"].endswith(
        f"/medewerkers/{member.uuid}/competenties/{competency.code}"
    )
    item = MemberCompetency.objects.get(member=member, competency=competency)
    assert (item.level, item.evidence) == (3, "Wijkaanpak geleid.")
    assert stale(member) and sent == [member.pk]


def test_adding_a_competency_lists_every_invalid_field(write, member):
    response, sent = write(
        "post", url(member, "/competenties"), {"competentie": "bestaat-niet", "niveau": 9}
    )
    assert invalid_names(response) == {"competentie", "niveau"}
    assert sent == []
    response, _sent = write("post", url(member, "/competenties"), {"onderbouwing": "x" * 501})
    assert invalid_names(response) == {"competentie", "niveau", "onderbouwing"}


def test_a_competency_twice_is_refused_by_the_service(write, member):
    held = MemberCompetencyFactory(member=member)
    response, sent = write(
        "post", url(member, "/competenties"), {"competentie": held.competency.code, "niveau": 4}
    )
    body = problem(response, 400)
    assert [(p["name"], p["code"]) for p in body["invalidParams"]] == [("competentie", "duplicate")]
    assert sent == []


def test_a_competency_no_longer_in_the_catalogue_is_refused_as_by_the_form(write, member):
    retired = CompetencyFactory(is_active=False)
    response, _sent = write(
        "post", url(member, "/competenties"), {"competentie": retired.code, "niveau": 2}
    )
    assert invalid_names(response) == {"competentie"}
    assert not member.competencies.exists()


def test_member_changes_a_competency_level(write, member):
    held = MemberCompetencyFactory(member=member, level=2, evidence="Begroting 2025.")
    path = url(member, f"/competenties/{held.competency.code}")
    response, sent = write("patch", path, {"niveau": 4})
    assert response.status_code == 200, response.content
    assert response.json()["niveau"] == 4
    held.refresh_from_db()
    assert (held.level, held.evidence) == (4, "Begroting 2025.")
    assert sent == [member.pk]
    response, _sent = write("patch", path, {"niveau": 0, "onderbouwing": ["lijst"]})
    assert invalid_names(response) == {"niveau", "onderbouwing"}


def test_member_removes_a_competency(write, member):
    held = MemberCompetencyFactory(member=member)
    response, sent = write("delete", url(member, f"/competenties/{held.competency.code}"))
    assert response.status_code == 204
    assert not MemberCompetency.objects.filter(pk=held.pk).exists()
    assert sent == [member.pk]
    response, sent = write("delete", url(member, f"/competenties/{held.competency.code}"))
    problem(response, 404)


def test_advisor_reads_but_does_not_change_competencies(api, advisor, member):
    held = MemberCompetencyFactory(member=member, level=3)
    client = api.as_user(advisor)
    path = f"{API}/{url(member, '/competenties')}"
    assert client.get(path).json()["results"] == [
        {"competentie": held.competency.code, "niveau": 3, "onderbouwing": ""}
    ]
    assert client.get(f"{path}/{held.competency.code}").json()["niveau"] == 3
    problem(client.patch(f"{path}/{held.competency.code}", {"niveau": 1}, format="json"), 403)
    problem(client.delete(f"{path}/{held.competency.code}"), 403)
    held.refresh_from_db()
    assert held.level == 3


# --- Learning goals ------------------------------------------------------------------------


def test_member_adds_and_removes_a_learning_goal(write, me, member):
    competency = CompetencyFactory()
    response, sent = write(
        "post",
        url(member, "/leerdoelen"),
        {"competentie": competency.code, "doelniveau": 3, "toelichting": "Via een traineeship."},
    )
    assert response.status_code == 201, response.content
    assert response.json()["doelniveau"] == 3
    assert response["Location"].endswith(f"/leerdoelen/{competency.code}")
    assert sent == [member.pk]
    goal = LearningGoal.objects.get(member=member)
    assert (goal.competency, goal.target_level, goal.note) == (
        competency,
        3,
        "Via een traineeship.",
    )
    assert me.get(response["Location"]).json()["competentie"] == competency.code
    response, sent = write("delete", url(member, f"/leerdoelen/{competency.code}"))
    assert response.status_code == 204
    assert not LearningGoal.objects.exists() and sent == [member.pk]


def test_learning_goal_must_be_above_the_level_held(write, member):
    held = MemberCompetencyFactory(member=member, level=3)
    response, sent = write(
        "post", url(member, "/leerdoelen"), {"competentie": held.competency.code, "doelniveau": 2}
    )
    body = problem(response, 400)
    assert [(p["name"], p["code"]) for p in body["invalidParams"]] == [
        ("doelniveau", "not_above_current")
    ]
    assert sent == [] and not LearningGoal.objects.exists()


# --- Role experience -----------------------------------------------------------------------


def test_member_records_role_experience(write, member):
    role = RoleFactory()
    path = url(member, f"/rolervaringen/{role.code}")
    response, sent = write("put", path, {"ervaring": 2, "voorkeur": 2})
    assert response.status_code == 201, response.content
    assert response.json() == {"rol": role.code, "ervaring": 2, "voorkeur": 2}
    assert sent == [member.pk]
    response, sent = write("put", path, {"ervaring": 2, "voorkeur": 2})
    assert response.status_code == 200 and sent == []  # unchanged: nothing to recompute
    response, sent = write("put", path, {"ervaring": 3, "voorkeur": 0})
    assert response.status_code == 200 and sent == [member.pk]
    row = RoleExperience.objects.get(member=member, role=role)
    assert (row.experience, row.preference) == (3, 0)


def test_role_experience_is_checked_by_the_form_and_service(write, member):
    role = RoleFactory()
    response, _sent = write(
        "put", url(member, f"/rolervaringen/{role.code}"), {"ervaring": 4, "voorkeur": "graag"}
    )
    assert invalid_names(response) == {"ervaring", "voorkeur"}
    response, _sent = write("put", url(member, f"/rolervaringen/{role.code}"), {"ervaring": 1})
    assert invalid_names(response) == {"voorkeur"}
    retired = RoleFactory(is_active=False)
    response, _sent = write(
        "put", url(member, f"/rolervaringen/{retired.code}"), {"ervaring": 1, "voorkeur": 1}
    )
    assert invalid_names(response) == {"nonFieldErrors"}
    response, _sent = write(
        "put", url(member, "/rolervaringen/bestaat-niet"), {"ervaring": 1, "voorkeur": 1}
    )
    problem(response, 404)
    assert not RoleExperience.objects.exists()


# --- Availability and leave ------------------------------------------------------------------


def test_member_adds_and_removes_availability(write, me, member):
    start, end = TODAY + timedelta(days=7), TODAY + timedelta(days=60)
    response, sent = write(
        "post",
        url(member, "/beschikbaarheden"),
        {"startdatum": start.isoformat(), "einddatum": end.isoformat(), "urenPerWeek": 8},
    )
    assert response.status_code == 201, response.content
    period = Availability.objects.get(member=member)
    assert response.json() == {
        "uuid": str(period.uuid),
        "startdatum": start.isoformat(),
        "einddatum": end.isoformat(),
        "urenPerWeek": 8.0,
        "toelichting": "",
    }
    assert response["Location"].endswith(f"/beschikbaarheden/{period.uuid}")
    assert sent == [member.pk]
    assert me.get(response["Location"]).json()["uuid"] == str(period.uuid)
    response, sent = write("delete", url(member, f"/beschikbaarheden/{period.uuid}"))
    assert response.status_code == 204
    assert not Availability.objects.exists() and sent == [member.pk]


def test_availability_rules_of_the_service(write, member):
    AvailabilityFactory(member=member, start=TODAY, end=TODAY + timedelta(weeks=4))
    path = url(member, "/beschikbaarheden")
    overlapping = {
        "startdatum": (TODAY + timedelta(weeks=2)).isoformat(),
        "einddatum": (TODAY + timedelta(weeks=6)).isoformat(),
        "urenPerWeek": 8,
    }
    response, sent = write("post", path, overlapping)
    assert [(p["name"], p["code"]) for p in problem(response, 400)["invalidParams"]] == [
        ("startdatum", "overlap")
    ]
    above_contract = {**overlapping, "startdatum": (TODAY + timedelta(weeks=5)).isoformat()}
    above_contract["urenPerWeek"] = 40
    response, _sent = write("post", path, above_contract)
    assert invalid_names(response) == {"urenPerWeek"}
    past = {"startdatum": "2020-01-01", "einddatum": "2020-02-01", "urenPerWeek": 8}
    response, _sent = write("post", path, past)
    assert invalid_names(response) == {"einddatum"}
    response, _sent = write("post", path, {"startdatum": "morgen", "urenPerWeek": 61})
    assert invalid_names(response) == {"startdatum", "einddatum", "urenPerWeek"}
    assert Availability.objects.count() == 1 and sent == []


def test_member_adds_and_removes_leave(write, member):
    start = TODAY + timedelta(days=14)
    body = {"startdatum": start.isoformat(), "einddatum": start.isoformat(), "toelichting": "Reis"}
    response, sent = write("post", url(member, "/verloven"), body)
    assert response.status_code == 201, response.content
    leave = Leave.objects.get(member=member)
    assert (leave.start, leave.end, leave.note) == (start, start, "Reis")
    assert response.json()["uuid"] == str(leave.uuid)
    assert sent == [member.pk]
    response, _sent = write("post", url(member, "/verloven"), body)
    assert invalid_names(response) == {"startdatum"}  # overlaps the leave just added
    response, sent = write("delete", url(member, f"/verloven/{leave.uuid}"))
    assert response.status_code == 204 and sent == [member.pk]
    assert not Leave.objects.exists()


def test_end_before_start_is_refused(write, member):
    body = {"startdatum": (TODAY + timedelta(days=9)).isoformat()}
    body["einddatum"] = (TODAY + timedelta(days=2)).isoformat()
    response, _sent = write("post", url(member, "/verloven"), body)
    body = problem(response, 400)
    assert [(p["name"], p["code"]) for p in body["invalidParams"]] == [("einddatum", "order")]


def test_periods_of_another_member_are_not_found(api, member):
    other = MemberFactory(user=UserFactory(groups=[access.MEMBER]))
    period = AvailabilityFactory(member=other)
    leave = Leave.objects.create(member=other, start=TODAY, end=TODAY)
    client = api.as_user(member.user)
    # Under the member's own record, another's period does not exist either.
    problem(client.delete(f"{API}/{url(member, f'/beschikbaarheden/{period.uuid}')}"), 404)
    problem(client.get(f"{API}/{url(member, f'/verloven/{leave.uuid}')}"), 404)
    problem(client.delete(f"{API}/{url(other, f'/verloven/{leave.uuid}')}"), 404)
    assert Availability.objects.filter(pk=period.pk).exists()
    assert Leave.objects.filter(pk=leave.pk).exists()


# --- Lists -----------------------------------------------------------------------------------


def _profile(member: Member, rows: int) -> None:
    for index in range(rows):
        MemberCompetencyFactory(member=member)
        LearningGoalFactory(member=member)
        RoleExperienceFactory(member=member)
        start = TODAY + timedelta(weeks=2 * index)
        AvailabilityFactory(member=member, start=start, end=start + timedelta(days=6))
        Leave.objects.create(member=member, start=start, end=start)


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.parametrize(
    "part", ["competenties", "leerdoelen", "rolervaringen", "beschikbaarheden", "verloven"]
)
def test_profile_lists_run_constant_queries(me, member, django_assert_num_queries, part, rows):
    _profile(member, rows)
    with django_assert_num_queries(4):  # groups, the member, count, page (with its catalogue)
        response = me.get(f"{API}/{url(member, f'/{part}')}")
    assert response.json()["count"] == rows


def test_profile_lists_are_sorted_on_request(me, member):
    late = AvailabilityFactory(
        member=member, start=TODAY + timedelta(weeks=9), end=TODAY + timedelta(weeks=10)
    )
    early = AvailabilityFactory(member=member, start=TODAY, end=TODAY + timedelta(weeks=1))
    path = f"{API}/{url(member, '/beschikbaarheden')}"
    assert [p["uuid"] for p in me.get(path).json()["results"]] == [
        str(early.uuid),
        str(late.uuid),
    ]
    assert [p["uuid"] for p in me.get(f"{path}?sorteer=-startdatum").json()["results"]] == [
        str(late.uuid),
        str(early.uuid),
    ]
    problem(me.get(f"{path}?sorteer=niveau"), 400)


def test_member_reads_only_own_record_in_lists(me, member):
    MemberFactory(organisation=member.organisation)
    assert uuids(me.get(f"{API}/medewerkers")) == {str(member.uuid)}


# --- Through a real worker -------------------------------------------------------------------


def test_a_level_raised_through_the_api_reaches_the_match_through_the_worker(committed_db):
    """No capture of callbacks here: the API commits, the recompute goes to Redis, a real
    worker process recomputes, and the stored match has the new score."""
    organisation = OrganisationFactory()
    competency = CompetencyFactory()
    request = RoleRequestFactory(opgave=OpgaveFactory(organisation=organisation))
    RoleRequestCompetencyFactory(role_request=request, competency=competency, min_level=4)
    member = MemberFactory(organisation=organisation, user=UserFactory(groups=[access.MEMBER]))
    MemberCompetencyFactory(member=member, competency=competency, level=1)
    matches_rebuild(today=TODAY)
    before = score(request, member)
    client = APIClient()
    client.force_authenticate(member.user)
    with worker_running():
        response = client.patch(
            f"{API}/{url(member, f'/competenties/{competency.code}')}",
            {"niveau": 4},
            format="json",
        )
        assert response.status_code == 200, response.content
        wait_until(lambda: not stale(member) and score(request, member) > before)
    assert Match.objects.filter(member=member, role_request=request).exists()
