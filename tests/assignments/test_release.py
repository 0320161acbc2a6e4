"""Vrijgave: the line manager releases the hours of accepted inzet before HR confirms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assignments.models import Assignment, AssignmentTransition, Release
from assignments.services import (
    StaffingError,
    assignment_accept,
    assignment_confirm,
    assignment_propose,
    assignment_withdraw,
    release_approve,
    release_refuse,
)
from pool import access
from tests.factories import MemberFactory, OrganisationFactory, RoleRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def line_manager(user_in):
    return user_in(access.LINE_MANAGER, first_name="Linda", last_name="Goedhart")


def member_of(line_manager, *, requires_release=True, **fields):
    return MemberFactory(
        organisation=OrganisationFactory(requires_release=requires_release),
        user=UserFactory(groups=[access.MEMBER]),
        line_manager=line_manager,
        pool_hours=Decimal(16),
        **fields,
    )


def accepted(member, hr_user) -> Assignment:
    assignment = assignment_propose(
        role_request=RoleRequestFactory(hours_per_week=Decimal(8)), member=member, by=hr_user
    )
    return assignment_accept(assignment=assignment, by=member.user)


def state_of(assignment) -> str:
    return Assignment.objects.get(pk=assignment.pk).state


def test_no_release_needed_where_the_organisation_does_not_require_it(hr_user, line_manager):
    assignment = accepted(member_of(line_manager, requires_release=False), hr_user)
    assert not Release.objects.filter(assignment=assignment).exists()
    assignment_confirm(assignment=assignment, by=hr_user)
    assert state_of(assignment) == Assignment.State.CONFIRMED


def test_confirm_waits_for_release_with_a_clear_message(hr_user, line_manager):
    assignment = accepted(member_of(line_manager), hr_user)
    assert assignment.release.decision == Release.Decision.PENDING
    with pytest.raises(StaffingError, match="Wacht op vrijgave door Linda Goedhart"):
        assignment_confirm(assignment=assignment, by=hr_user)
    assert state_of(assignment) == Assignment.State.ACCEPTED


def test_approved_release_lets_hr_confirm_and_is_in_the_history(hr_user, line_manager):
    assignment = accepted(member_of(line_manager), hr_user)
    release = release_approve(assignment=assignment, by=line_manager)
    assert release.decision == Release.Decision.APPROVED
    assert release.decided_by == line_manager and release.decided_at is not None
    assignment_confirm(assignment=assignment, by=hr_user)
    steps = list(
        AssignmentTransition.objects.filter(assignment=assignment).values_list(
            "from_state", "to_state", "by"
        )
    )
    assert steps == [
        ("", "proposed", hr_user.pk),
        ("proposed", "accepted", assignment.member.user.pk),
        ("accepted", "accepted", line_manager.pk),
        ("accepted", "confirmed", hr_user.pk),
    ]


def test_refusal_needs_a_reason_and_ends_the_inzet(hr_user, line_manager):
    assignment = accepted(member_of(line_manager), hr_user)
    with pytest.raises(StaffingError, match="reden"):
        release_refuse(assignment=assignment, by=line_manager, reason="  ")
    release_refuse(assignment=assignment, by=line_manager, reason="Reorganisatie loopt")
    release = Release.objects.get(assignment=assignment)
    assert release.decision == Release.Decision.REFUSED
    assert release.reason == "Reorganisatie loopt"
    assert state_of(assignment) == Assignment.State.WITHDRAWN  # the hours are free again
    last = AssignmentTransition.objects.filter(assignment=assignment).last()
    assert (last.to_state, last.by) == (Assignment.State.WITHDRAWN, line_manager)
    assert "Reorganisatie loopt" in last.reason
    with pytest.raises(StaffingError, match="niet vrijgegeven"):
        assignment_confirm(assignment=assignment, by=hr_user)


def test_only_the_members_own_line_manager_decides_once(hr_user, line_manager, user_in):
    assignment = accepted(member_of(line_manager), hr_user)
    for someone in (user_in(access.LINE_MANAGER), hr_user, assignment.member.user):
        with pytest.raises(StaffingError, match="Alleen de leidinggevende"):
            release_approve(assignment=assignment, by=someone)
    release_approve(assignment=assignment, by=line_manager)
    with pytest.raises(StaffingError, match="al besloten"):
        release_refuse(assignment=assignment, by=line_manager, reason="toch niet")


def test_withdrawn_inzet_needs_no_release_any_more(hr_user, line_manager):
    assignment = accepted(member_of(line_manager), hr_user)
    assignment_withdraw(assignment=assignment, by=hr_user, reason="Opgave gestopt")
    with pytest.raises(StaffingError, match="ingetrokken"):
        release_approve(assignment=assignment, by=line_manager)


def test_database_refuses_a_refusal_without_reason(hr_user, line_manager):
    from django.db import IntegrityError, transaction

    release = accepted(member_of(line_manager), hr_user).release
    with pytest.raises(IntegrityError), transaction.atomic():
        Release.objects.filter(pk=release.pk).update(decision=Release.Decision.REFUSED)


# --- pages ------------------------------------------------------------------------------


def pending_url() -> str:
    return reverse("releases:pending")


def decide_url(assignment) -> str:
    return reverse("releases:decide", args=[assignment.uuid])


def test_pages_are_for_line_managers_only(client, user_in, hr_user):
    client.force_login(user_in(access.MEMBER))
    assert client.get(pending_url()).status_code == 403
    assert client.get(reverse("releases:history")).status_code == 403
    client.force_login(hr_user)
    assert client.get(pending_url()).status_code == 403


def test_line_manager_lands_on_the_release_page(client, line_manager):
    client.force_login(line_manager)
    assert client.get("/").url == pending_url()


def test_someone_elses_people_are_404(client, hr_user, line_manager, user_in):
    assignment = accepted(member_of(line_manager), hr_user)
    client.force_login(user_in(access.LINE_MANAGER))
    response = client.post(decide_url(assignment), {"decision": "approve"})
    assert response.status_code == 404
    assert client.get(pending_url()).context["page"].paginator.count == 0
    assert Release.objects.get(assignment=assignment).decision == Release.Decision.PENDING


@pytest.mark.parametrize("count", [5, 50])
def test_pending_list_in_constant_queries(
    client, hr_user, line_manager, django_assert_num_queries, count
):
    for _ in range(count):
        accepted(member_of(line_manager), hr_user)
    accepted(member_of(UserFactory()), hr_user)  # someone else's: not listed
    client.force_login(line_manager)
    # session, user, groups, count, page of releases, match explanations,
    # (no competency or role names: no explanations stored), unread notifications,
    # session save (3)
    with django_assert_num_queries(10):
        response = client.get(pending_url())
    rows = response.context["rows"]
    assert len(rows) == min(count, 25)
    assert response.context["page"].paginator.count == count
    assert "Vrijgeven" in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_history_in_constant_queries(
    client, hr_user, line_manager, django_assert_num_queries, count
):
    for index in range(count):
        assignment = accepted(member_of(line_manager), hr_user)
        if index % 2:
            release_approve(assignment=assignment, by=line_manager)
        else:
            release_refuse(assignment=assignment, by=line_manager, reason="Te druk")
    client.force_login(line_manager)
    # session, user, groups, count, page, unread notifications, session save (3)
    with django_assert_num_queries(9):
        response = client.get(reverse("releases:history"))
    assert response.context["page"].paginator.count == count
    assert "Te druk" in response.content.decode()


def test_approve_as_plain_post_redirects(client, hr_user, line_manager):
    assignment = accepted(member_of(line_manager), hr_user)
    client.force_login(line_manager)
    response = client.post(decide_url(assignment), {"decision": "approve"}, follow=True)
    assert response.redirect_chain[-1][0] == pending_url()
    assert "vrijgegeven" in response.content.decode()
    assert Release.objects.get(assignment=assignment).decision == Release.Decision.APPROVED


def test_refuse_with_htmx_swaps_the_row(client, hr_user, line_manager):
    assignment = accepted(member_of(line_manager), hr_user)
    client.force_login(line_manager)
    response = client.post(
        decide_url(assignment),
        {"decision": "refuse", "reason": "Piek in het team"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    row = f'<tr class="utrecht-table__row" id="release-{assignment.uuid}"'
    assert body.lstrip().startswith(row)
    assert "Piek in het team" in body and "<html" not in body
    assert state_of(assignment) == Assignment.State.WITHDRAWN


def test_refuse_without_reason_shows_the_error_in_the_row(client, hr_user, line_manager):
    assignment = accepted(member_of(line_manager), hr_user)
    client.force_login(line_manager)
    response = client.post(
        decide_url(assignment), {"decision": "refuse"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'role="alert"' in body and "reden" in body
    assert 'value="approve"' in body  # still to decide
    assert state_of(assignment) == Assignment.State.ACCEPTED


def test_hr_page_shows_who_must_release_and_no_confirm_button(client, hr_user, line_manager):
    assignment = accepted(member_of(line_manager), hr_user)
    assignment.role_request.opgave.organisation.hr_advisors.add(hr_user)
    url = reverse("hr:role_request", args=[assignment.role_request.uuid])
    client.force_login(hr_user)
    body = client.get(url).content.decode()
    assert "wacht op vrijgave door Linda Goedhart" in body
    assert 'value="confirm"' not in body
    release_approve(assignment=assignment, by=line_manager)
    body = client.get(url).content.decode()
    assert "wacht op vrijgave" not in body
    assert 'value="confirm"' in body


def test_member_is_told_that_release_comes_first(client, hr_user, line_manager):
    member = member_of(line_manager)
    assignment = assignment_propose(role_request=RoleRequestFactory(), member=member, by=hr_user)
    client.force_login(member.user)
    response = client.post(
        reverse("member:proposal_answer", args=[assignment.uuid]),
        {"answer": "accept"},
        headers={"HX-Request": "true"},
    )
    assert "Je leidinggevende geeft eerst de uren vrij" in response.content.decode()


def test_demo_has_releases_waiting_for_the_demo_line_manager():
    from django.contrib.auth.models import User

    from assignments.demo import DEMO_RELEASES, demo_seed
    from assignments.release_selectors import pending_releases_for
    from pool.models import Member
    from tests.factories import TODAY

    demo_seed(members=80, opgaven=20, seed=1, today=TODAY)
    line_manager = User.objects.get(username="leidinggevende")
    assert pending_releases_for(user=line_manager).count() == DEMO_RELEASES
    demo_member = Member.objects.get(user__username="medewerker")
    assert demo_member.organisation.requires_release
    assert demo_member.line_manager == line_manager


def test_admin_shows_the_release_of_an_inzet(admin_client, hr_user, line_manager):
    assignment = accepted(member_of(line_manager), hr_user)
    release_refuse(assignment=assignment, by=line_manager, reason="Piekdrukte")
    url = reverse("admin:assignments_assignment_change", args=[assignment.pk])
    body = admin_client.get(url).content.decode()
    assert "Piekdrukte" in body and "niet vrijgegeven" in body


def test_member_sees_their_inzet_waiting_for_release(client, hr_user, line_manager):
    member = member_of(line_manager)
    accepted(member, hr_user)
    refused = accepted(member, hr_user)
    release_refuse(assignment=refused, by=line_manager, reason="Piekdrukte")
    client.force_login(member.user)
    body = client.get(reverse("member:assignments")).content.decode()
    assert "wacht op vrijgave door je leidinggevende" in body
    assert "niet vrijgegeven door je leidinggevende: Piekdrukte" in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_decisions_settle_once(line_manager):
    """Approvals and refusals raced (a double click, two tabs): one decision stands."""
    import threading

    from django.db import connection

    hr = UserFactory(groups=[access.HR_ADVISOR])
    assignment = accepted(member_of(line_manager), hr)
    barrier = threading.Barrier(6)
    won: list[str] = []

    def decide(approve: bool):
        barrier.wait()
        try:
            if approve:
                release_approve(assignment=assignment, by=line_manager)
            else:
                release_refuse(assignment=assignment, by=line_manager, reason="Te druk")
            won.append("approved" if approve else "refused")
        except StaffingError:
            pass
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=decide, args=(i % 2 == 0,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    release = Release.objects.get(assignment=assignment)
    assert release.decision == won[0]
    expected = Assignment.State.ACCEPTED if won[0] == "approved" else Assignment.State.WITHDRAWN
    assert state_of(assignment) == expected
    assert AssignmentTransition.objects.filter(assignment=assignment, by=line_manager).count() == 1
