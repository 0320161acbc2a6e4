"""Landing pages: who may see them, and a constant number of queries however many rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assignments.models import Opgave
from pool import access
from tests.factories import (
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "allowed", "refused"),
    [
        ("assignments:board", access.HR_ADVISOR, access.MANAGER),
        ("assignments:board", access.HR_ADVISOR, access.MEMBER),
        ("assignments:opgave_list", access.MANAGER, access.MEMBER),
    ],
)
def test_pages_refuse_other_groups(client, user_in, url_name, allowed, refused):
    client.force_login(user_in(refused))
    assert client.get(reverse(url_name)).status_code == 403
    client.force_login(user_in(allowed))
    assert client.get(reverse(url_name)).status_code == 200


def test_pages_need_login(client):
    for url_name in ("assignments:board", "assignments:opgave_list", "pool:profile"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_profile_without_member_record_is_404(client, user_in):
    client.force_login(user_in(access.MEMBER))
    assert client.get(reverse("pool:profile")).status_code == 404


@pytest.mark.parametrize("rows", [5, 30])
def test_profile_queries_are_constant(client, user_in, django_assert_num_queries, rows):
    user = user_in(access.MEMBER)
    member = MemberFactory(user=user)
    for _ in range(rows):
        MemberCompetencyFactory(member=member)
    client.force_login(user)
    # session, user, groups, member, competencies, role experience, availability, leave,
    # goals, and the session save (savepoint, update, release)
    with django_assert_num_queries(12):
        response = client.get(reverse("pool:profile"))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row"') == rows


@pytest.mark.parametrize("rows", [5, 30])
def test_manager_sees_only_own_opgaven_in_constant_queries(
    client, manager_user, django_assert_num_queries, rows
):
    OpgaveFactory.create_batch(rows, owner=manager_user)
    OpgaveFactory.create_batch(3)  # someone else's
    client.force_login(manager_user)
    # session, user, groups, count, page of opgaven, session save (3)
    with django_assert_num_queries(8):
        response = client.get(reverse("assignments:opgave_list"))
    assert len(response.context["page"].object_list) == min(rows, 25)
    assert response.context["page"].paginator.count == rows


@pytest.mark.parametrize("rows", [5, 30])
def test_board_lists_open_requests_of_served_organisations(
    client, hr_user, django_assert_num_queries, rows
):
    served = OrganisationFactory()
    served.hr_advisors.add(hr_user)
    opgave = OpgaveFactory(organisation=served)
    RoleRequestFactory.create_batch(rows, opgave=opgave)
    RoleRequestFactory(opgave=OpgaveFactory(organisation=served, status=Opgave.Status.CONCEPT))
    RoleRequestFactory()  # an organisation the advisor does not serve
    client.force_login(hr_user)
    with django_assert_num_queries(8):
        response = client.get(reverse("assignments:board"))
    assert response.context["page"].paginator.count == rows
