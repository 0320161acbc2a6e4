"""Landing pages: who may see them, and a constant number of queries however many rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assignments.models import Opgave
from pool import access
from tests.factories import (
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


# The profile page (constant queries, permissions) is tested in tests/pool/test_views.py.


# The manager's opgave list (own opgaven only, constant queries) is tested with its
# filters in tests/assignments/test_opgave_views.py.


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
    # session, user, groups, count, rows, the filter's organisation, role and opgave
    # choices, unread notifications, session save (3)
    with django_assert_num_queries(12):
        response = client.get(reverse("assignments:board"))
    assert response.context["page"].paginator.count == rows
