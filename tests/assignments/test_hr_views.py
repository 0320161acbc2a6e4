"""The HR advisor's role request page: scoped, ranked candidates, staffing actions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.matching import services
from assignments.models import Assignment, RoleRequest
from pool import access
from tests.factories import (
    TODAY,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(hr_user):
    organisation = OrganisationFactory()
    organisation.hr_advisors.add(hr_user)
    return organisation


def request_with_candidates(organisation, count: int) -> RoleRequest:
    request = RoleRequestFactory(opgave=OpgaveFactory(organisation=organisation))
    MemberFactory.create_batch(count, organisation=organisation)
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    return request


def detail(request) -> str:
    return reverse("hr:role_request", args=[request.uuid])


def action(request) -> str:
    return reverse("hr:role_request_action", args=[request.uuid])


def test_only_advisors_of_the_organisation_see_the_request(client, user_in, served):
    request = request_with_candidates(served, 2)
    client.force_login(user_in(access.MANAGER))
    assert client.get(detail(request)).status_code == 403
    client.force_login(user_in(access.HR_ADVISOR))  # serves another organisation
    assert client.get(detail(request)).status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_candidates_in_constant_queries(client, hr_user, served, django_assert_num_queries, count):
    request = request_with_candidates(served, count)
    client.force_login(hr_user)
    # session, user, groups, request, needs, inzet, matches, competency names (none asked),
    # role names, the filter's competency and organisation choices, unread notifications,
    # session save (3)
    with django_assert_num_queries(14):
        response = client.get(detail(request))
    assert len(response.context["candidates"]) == count


def test_propose_then_member_accepts_then_confirm(client, hr_user, served):
    request = request_with_candidates(served, 1)
    member = request.matches.get().member
    member.user = UserFactory(groups=[access.MEMBER])
    member.save()
    client.force_login(hr_user)
    response = client.post(action(request), {"action": "propose", "member": member.pk}, follow=True)
    assert "voorgesteld" in response.content.decode()
    assignment = Assignment.objects.get(role_request=request, member=member)
    assert assignment.state == Assignment.State.PROPOSED
    assert assignment.score == pytest.approx(request.matches.get().score)

    client.force_login(member.user)
    client.post(reverse("member:proposal_answer", args=[assignment.uuid]), {"answer": "accept"})
    client.force_login(hr_user)
    client.post(action(request), {"action": "confirm", "assignment": assignment.uuid})
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.CONFIRMED


def test_only_stored_candidates_can_be_proposed(client, hr_user, served):
    request = request_with_candidates(served, 1)
    stranger = MemberFactory()  # not a candidate: another organisation
    client.force_login(hr_user)
    response = client.post(action(request), {"action": "propose", "member": stranger.pk})
    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_withdraw_without_reason_is_refused_with_a_message(client, hr_user, served):
    request = request_with_candidates(served, 1)
    client.force_login(hr_user)
    member = request.matches.get().member
    client.post(action(request), {"action": "propose", "member": member.pk})
    assignment = Assignment.objects.get()
    response = client.post(
        action(request), {"action": "withdraw", "assignment": assignment.uuid}, follow=True
    )
    assert "reden" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.PROPOSED


def test_recompute_indicator_polls_until_current(client, hr_user, served):
    request = request_with_candidates(served, 1)
    RoleRequest.objects.filter(pk=request.pk).update(matches_stale_since=timezone.now())
    client.force_login(hr_user)
    stale = client.get(detail(request) + "?status=1", headers={"HX-Request": "true"})
    assert "Matches worden bijgewerkt" in stale.content.decode()
    assert 'hx-trigger="every 2s"' in stale.content.decode()
    RoleRequest.objects.filter(pk=request.pk).update(matches_stale_since=None)
    current = client.get(detail(request) + "?status=1", headers={"HX-Request": "true"})
    assert "hx-trigger" not in current.content.decode()
    assert "<html" not in current.content.decode()
    page = client.get(detail(request))
    assert "<html" in page.content.decode()
    assert Decimal(page.context["role_request"].hours_per_week) == request.hours_per_week


@pytest.mark.parametrize(
    ("posted", "lands_on"),
    [
        ("/bezetting/?zoek=Warmte&rolvraag={uuid}", "/bezetting/?zoek=Warmte&rolvraag={uuid}"),
        ("http://testserver/bezetting/?rol=2", "http://testserver/bezetting/?rol=2"),
        ("https://elders.example/bezetting/", "{detail}"),
        ("//elders.example/bezetting/", "{detail}"),
        ("javascript:alert(1)", "{detail}"),
        ("", "{detail}"),
    ],
)
def test_plain_post_goes_back_where_it_came_from_on_this_site_only(
    client, hr_user, served, posted, lands_on
):
    request = request_with_candidates(served, 1)
    member = request.matches.get().member
    client.force_login(hr_user)
    response = client.post(
        action(request),
        {"action": "propose", "member": member.pk, "next": posted.format(uuid=request.uuid)},
    )
    assert response.status_code == 302
    assert response.url == lands_on.format(uuid=request.uuid, detail=detail(request))
    assert Assignment.objects.get().state == Assignment.State.PROPOSED


def test_without_javascript_the_board_shows_the_outcome_beside_the_request(client, hr_user, served):
    """The board's panel, rendered by the server, posts plainly and comes back to itself."""
    request = request_with_candidates(served, 1)
    member = request.matches.get().member
    client.force_login(hr_user)
    board = client.get(reverse("assignments:board"), {"zoek": "", "rolvraag": request.uuid})
    back = board.context["return_url"]
    response = client.post(
        action(request), {"action": "propose", "member": member.pk, "next": back}, follow=True
    )
    assert response.redirect_chain == [(back, 302)]
    body = response.content.decode()
    assert f"{member.full_name} is voorgesteld" in body
    assert f"{member.full_name} – voorgesteld" in body  # the panel, beside the list
    assert "1 voorgesteld" in body  # the list's row
    # A refusal is shown there too.
    response = client.post(
        action(request),
        {"action": "withdraw", "assignment": Assignment.objects.get().uuid, "next": back},
        follow=True,
    )
    assert response.redirect_chain == [(back, 302)]
    assert "Geef een reden op voor het intrekken." in response.content.decode()
