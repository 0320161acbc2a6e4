"""AVG/GDPR: a member downloads their data; an administrator anonymises a departed member."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment, AssignmentTransition, Match
from assignments.privacy_services import PrivacyError, member_anonymise
from assignments.services import assignment_accept, assignment_decline, assignment_propose
from pool import access
from pool.models import AuditEntry, Member
from tests.factories import (
    TODAY,
    AvailabilityFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    RoleExperienceFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db


def full_member(user_in, **fields):
    member = MemberFactory(
        user=user_in(access.MEMBER, first_name="Anna", last_name="Jansen"),
        first_name="Anna",
        last_name="Jansen",
        email="anna.jansen@example.org",
        unit="Sociaal domein",
        **fields,
    )
    MemberCompetencyFactory(member=member, evidence="Wijkaanpak Overvecht geleid")
    RoleExperienceFactory(member=member)
    AvailabilityFactory(member=member, note="dinsdag vrij")
    LearningGoalFactory(member=member, note="netwerken")
    return member


def with_history(member, hr_user):
    """An ended, declined proposal (with a personal reason) and a stored match."""
    request = RoleRequestFactory()
    assignment = assignment_propose(role_request=request, member=member, by=hr_user)
    assignment_decline(assignment=assignment, by=member.user, reason="Mijn moeder is ziek")
    Match.objects.create(
        role_request=request,
        member=member,
        score=71,
        explanation={"c": []},
        in_request_top=True,
        computed_at=timezone.now(),
    )
    return assignment


# --- Download -------------------------------------------------------------------------------


def test_my_data_page_is_linked_from_the_profile(client, user_in):
    member = full_member(user_in)
    client.force_login(member.user)
    profile = client.get(reverse("pool:profile")).content.decode()
    assert reverse("privacy:my_data") in profile
    page = client.get(reverse("privacy:my_data"))
    assert page.status_code == 200
    assert reverse("privacy:my_data_download") in page.content.decode()


def test_download_holds_everything_about_the_member(client, user_in, hr_user):
    member = full_member(user_in)
    with_history(member, hr_user)
    client.force_login(member.user)
    response = client.get(reverse("privacy:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "anna.jansen@example.org"
    assert data["account"]["username"] == member.user.username
    assert data["competencies"][0]["evidence"] == "Wijkaanpak Overvecht geleid"
    assert len(data["role_experience"]) == 1
    assert data["availability"][0]["note"] == "dinsdag vrij"
    assert data["learning_goals"][0]["note"] == "netwerken"
    [assignment] = data["assignments"]
    assert [(t["from"], t["to"], t["by_self"]) for t in assignment["transitions"]] == [
        ("", "proposed", False),
        ("proposed", "declined", True),
    ]
    assert data["matches"][0]["score"] == 71
    assert isinstance(data["notifications"], list)


def test_download_has_only_the_own_data(client, user_in):
    member = full_member(user_in)
    other = full_member(user_in)
    client.force_login(member.user)
    data = json.loads(client.get(reverse("privacy:my_data_download")).content)
    assert data["profile"]["uuid"] == str(member.uuid)
    assert str(other.uuid) not in json.dumps(data)


def test_download_needs_a_member(client, user_in):
    client.force_login(user_in(access.HR_ADVISOR))
    assert client.get(reverse("privacy:my_data_download")).status_code == 403
    client.force_login(user_in(access.MEMBER))  # in the group, but no member record
    assert client.get(reverse("privacy:my_data_download")).status_code == 404


def test_download_runs_a_fixed_number_of_queries(
    client, user_in, hr_user, django_assert_num_queries
):
    member = full_member(user_in)
    with_history(member, hr_user)
    client.force_login(member.user)
    # session, user, groups, member; the export: member, competencies, role experience,
    # availability, leave, learning goals, assignments, transitions, matches, audit
    # entries, notifications; the session's renewal (savepoint, update, release).
    with django_assert_num_queries(18):
        client.get(reverse("privacy:my_data_download"))
    for _ in range(3):
        with_history(member, hr_user)
        MemberCompetencyFactory(member=member)
        AvailabilityFactory(
            member=member, start=TODAY + timedelta(weeks=20), end=TODAY + timedelta(weeks=21)
        )
    with django_assert_num_queries(15):  # the session was renewed a moment ago
        client.get(reverse("privacy:my_data_download"))


# --- Anonymise ------------------------------------------------------------------------------


@pytest.fixture
def administrator(user_in):
    return user_in(access.ADMINISTRATOR, is_staff=True)


def test_anonymise_removes_personal_data_and_keeps_history(user_in, hr_user, administrator):
    member = full_member(user_in)
    user = member.user
    assignment = with_history(member, hr_user)

    member_anonymise(member=member, by=administrator)

    member = Member.objects.get(pk=member.pk)
    assert member.full_name == f"Geanonimiseerde medewerker {member.pk}"
    assert member.email == member.unit == ""
    assert "Jansen" not in member.personnel_number
    assert member.user is None and member.anonymised_at is not None
    assert member.pool_hours == 0
    for related in ("competencies", "role_experience", "availability", "leave", "learning_goals"):
        assert not getattr(member, related).exists(), related
    assert not Match.objects.filter(member=member).exists()

    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert "anna" not in user.username.lower()
    assert not user.groups.exists()

    # The history stays, without what the member wrote about themselves.
    assert Assignment.objects.get(pk=assignment.pk).member_id == member.pk
    steps = AssignmentTransition.objects.filter(assignment=assignment).order_by("at", "pk")
    assert [s.to_state for s in steps] == ["proposed", "declined"]
    assert steps[1].reason == ""

    entry = AuditEntry.objects.get(action=AuditEntry.Action.MEMBER_ANONYMISED)
    assert (entry.member_id, entry.actor_id) == (member.pk, administrator.pk)


def test_anonymise_is_for_administrators_only_and_only_once(user_in, hr_user, administrator):
    member = full_member(user_in)
    with pytest.raises(PrivacyError):
        member_anonymise(member=member, by=hr_user)
    member_anonymise(member=member, by=administrator)
    with pytest.raises(PrivacyError, match="al geanonimiseerd"):
        member_anonymise(member=member, by=administrator)


def test_anonymise_refuses_while_inzet_is_running(user_in, hr_user, administrator):
    member = full_member(user_in)
    request = RoleRequestFactory(hours_per_week=4, end=TODAY + timedelta(weeks=20))
    assignment = assignment_propose(role_request=request, member=member, by=hr_user)
    assignment_accept(assignment=assignment, by=member.user)
    with pytest.raises(PrivacyError, match="lopende inzet"):
        member_anonymise(member=member, by=administrator)
    assert Member.objects.get(pk=member.pk).first_name == "Anna"


def test_confirmation_page_anonymises_only_after_confirming(client, user_in, administrator):
    member = full_member(user_in)
    url = reverse("privacy:member_anonymise", kwargs={"uuid": member.uuid})
    client.force_login(administrator)
    page = client.get(url)
    assert page.status_code == 200
    assert "Anna Jansen" in page.content.decode()
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert Member.objects.get(pk=member.pk).anonymised_at is None
    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302
    assert Member.objects.get(pk=member.pk).anonymised_at is not None


def test_confirmation_page_is_refused_to_others(client, user_in, hr_user):
    member = full_member(user_in)
    url = reverse("privacy:member_anonymise", kwargs={"uuid": member.uuid})
    for user in (hr_user, member.user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirm": "1"}).status_code == 403
    assert Member.objects.get(pk=member.pk).anonymised_at is None


def test_admin_action_leads_to_the_confirmation_page(client, user_in, administrator):
    member = full_member(user_in)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:pool_member_changelist"),
        {"action": "anonymise", "_selected_action": [member.pk]},
    )
    assert response.status_code == 302
    assert response.url == reverse("privacy:member_anonymise", kwargs={"uuid": member.uuid})


def test_an_anonymised_account_cannot_log_in(client, user_in, administrator):
    member = full_member(user_in)
    username = member.user.username
    member_anonymise(member=member, by=administrator)
    client.post(reverse("login"), {"username": username, "password": "geheim-wachtwoord"})
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username=username).exists()
