"""The member's proposals, inzet and opportunities: own data only, constant queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assignments.matching import services
from assignments.models import Assignment
from pool import access
from tests.factories import (
    TODAY,
    AssignmentFactory,
    MemberFactory,
    OpgaveFactory,
    RoleRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def member():
    return MemberFactory(user=UserFactory(groups=[access.MEMBER]), pool_hours=Decimal(16))


def proposals_for(member, count: int, hours: int = 4) -> list[Assignment]:
    opgave = OpgaveFactory(organisation=member.organisation)
    return [
        AssignmentFactory(
            member=member,
            role_request=RoleRequestFactory(opgave=opgave, hours_per_week=Decimal(hours)),
        )
        for _ in range(count)
    ]


@pytest.mark.parametrize(
    "url_name", ["member:proposals", "member:assignments", "member:opportunities"]
)
def test_member_pages_refuse_other_groups_and_need_a_member(client, user_in, url_name):
    assert client.get(reverse(url_name)).status_code == 302  # to the login page
    client.force_login(user_in(access.HR_ADVISOR))
    assert client.get(reverse(url_name)).status_code == 403
    client.force_login(user_in(access.MEMBER))  # no member record
    assert client.get(reverse(url_name)).status_code == 404


@pytest.mark.parametrize("rows", [3, 15])
def test_proposals_page_queries_are_constant(client, member, django_assert_num_queries, rows):
    proposals_for(member, rows)
    client.force_login(member.user)
    # session, user, groups, member, proposals, matches, (names: none without matches),
    # unread notifications, session save (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("member:proposals"))
    assert len(response.context["proposals"]) == rows


def test_accept_without_htmx_redirects_with_a_message(client, member):
    proposal = proposals_for(member, 1)[0]
    client.force_login(member.user)
    response = client.post(
        reverse("member:proposal_answer", args=[proposal.uuid]),
        {"answer": "accept"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("member:proposals")
    assert "geaccepteerd" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Assignment.State.ACCEPTED


def test_decline_with_htmx_swaps_the_card_and_needs_a_reason(client, member):
    proposal = proposals_for(member, 1)[0]
    client.force_login(member.user)
    url = reverse("member:proposal_answer", args=[proposal.uuid])
    refused = client.post(url, {"answer": "decline", "reason": ""}, headers=HTMX)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert body.lstrip().startswith(f'<article class="rp-card" id="proposal-{proposal.uuid}"')
    assert "reden" in body and "<html" not in body
    client.post(url, {"answer": "decline", "reason": "Geen tijd"}, headers=HTMX)
    proposal.refresh_from_db()
    assert proposal.state == Assignment.State.DECLINED


def test_overbooking_acceptance_shows_the_reason_and_changes_nothing(client, member):
    first, second = proposals_for(member, 2, hours=10)
    client.force_login(member.user)
    client.post(reverse("member:proposal_answer", args=[first.uuid]), {"answer": "accept"})
    response = client.post(
        reverse("member:proposal_answer", args=[second.uuid]),
        {"answer": "accept"},
        headers=HTMX,
    )
    assert "overboekt" in response.content.decode()
    second.refresh_from_db()
    assert second.state == Assignment.State.PROPOSED


def test_someone_elses_proposal_is_not_found(client, member):
    other = proposals_for(MemberFactory(user=UserFactory(groups=[access.MEMBER])), 1)[0]
    client.force_login(member.user)
    response = client.post(
        reverse("member:proposal_answer", args=[other.uuid]), {"answer": "accept"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == Assignment.State.PROPOSED


@pytest.mark.parametrize("rows", [2, 10])
def test_inzet_page_shows_weeks_and_history_in_constant_queries(
    client, member, django_assert_num_queries, rows
):
    for proposal in proposals_for(member, rows, hours=1):
        proposal.state = Assignment.State.CONFIRMED
        proposal.save()
    client.force_login(member.user)
    # session, user, groups, member, inzet, the weeks' availability, leave and inzet in one
    # round trip, unread notifications, session save (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("member:assignments"))
    assert len(response.context["current"]) == rows
    assert len(response.context["weeks"]) == 12


@pytest.mark.parametrize("rows", [2, 8])
def test_opportunities_come_from_stored_matches(client, member, django_assert_num_queries, rows):
    opgave = OpgaveFactory(organisation=member.organisation)
    RoleRequestFactory.create_batch(rows, opgave=opgave)
    services.member_matches_recompute(member_id=member.pk, today=TODAY)
    client.force_login(member.user)
    # session, user, groups, member, matches, competency names, role names, unread
    # notifications, session save (3); the requests ask for no competencies, so the names
    # query has nothing to fetch.
    with django_assert_num_queries(10):
        response = client.get(reverse("member:opportunities"))
    assert len(response.context["opportunities"]) == rows
    assert "Match" in response.content.decode()
