"""No lost edits: a form saved on a stale page does not undo what was saved since.

Each case opens an edit form, lets someone else (or another tab) save the object, then
saves the stale form: it is refused with a message, what was typed comes back, nothing of
the other edit is lost; saving once more is a deliberate overwrite and goes through.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assignments import services as assignment_services
from assignments.models import Assignment, Opgave
from pool import access
from pool import services as pool_services
from pool.models import Member
from tests.assignments.test_opgave_views import opgave_form, request_form
from tests.factories import (
    AssignmentFactory,
    CompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
CONFLICT = "intussen door iemand anders gewijzigd"
OPGAVE_FIELDS = (
    "title",
    "organisation",
    "start",
    "end",
    "predictability",
    "complexity",
    "governance",
)


def version_in(html: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]+)"', html)
    assert found, f"no hidden {name} in the form"
    return found.group(1)


def test_a_stale_opgave_form_does_not_undo_a_newer_edit(client, manager_user):
    opgave = OpgaveFactory(owner=manager_user, status=Opgave.Status.CONCEPT, title="Oud")
    url = reverse("assignments:opgave_update", kwargs={"uuid": opgave.uuid})
    client.force_login(manager_user)
    opened = version_in(client.get(url).content.decode(), "version")
    # Meanwhile, in another tab: a new description.
    assignment_services.opgave_update(
        opgave=opgave,
        by=manager_user,
        description="B",
        **{name: getattr(opgave, name) for name in OPGAVE_FIELDS},
    )

    form = opgave_form(opgave.organisation, start=opgave.start, end=opgave.end)
    stale = {**form, "title": "Nieuwe titel", "description": "A", "version": opened}
    response = client.post(url, stale)
    page = response.content.decode()
    assert response.status_code == 200 and CONFLICT in page
    assert 'value="Nieuwe titel"' in page  # what was typed is still there
    opgave.refresh_from_db()
    assert (opgave.title, opgave.description) == ("Oud", "B")

    again = {**stale, "version": version_in(page, "version")}
    assert client.post(url, again).status_code == 302  # a deliberate overwrite
    opgave.refresh_from_db()
    assert (opgave.title, opgave.description) == ("Nieuwe titel", "A")


@pytest.mark.parametrize("confirmed", [False, True], ids=["open", "someone-confirmed"])
def test_a_stale_role_request_form_is_refused_in_place(client, manager_user, confirmed):
    opgave = OpgaveFactory(owner=manager_user, status=Opgave.Status.OPEN)
    item = RoleRequestFactory(opgave=opgave, people=1)
    if confirmed:  # the form then locks all but people and end: the version still counts
        AssignmentFactory(role_request=item, state=Assignment.State.CONFIRMED)
    url = reverse(
        "assignments:role_request_update", kwargs={"uuid": opgave.uuid, "role_request": item.uuid}
    )
    client.force_login(manager_user)
    opened = version_in(client.get(url, headers=HTMX).content.decode(), "wijzig-version")
    kept = ("role", "hours_per_week", "start", "end", "open_to_development")
    assignment_services.role_request_update(
        role_request=item, by=manager_user, people=2, **{f: getattr(item, f) for f in kept}
    )

    stale = request_form(opgave, item.role, "wijzig", people=4, version=opened)
    response = client.post(url, stale, headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and CONFLICT in page
    item.refresh_from_db()
    assert item.people == 2

    again = {**stale, "wijzig-version": version_in(page, "wijzig-version")}
    assert "opgeslagen" in client.post(url, again, headers=HTMX).content.decode()
    item.refresh_from_db()
    assert item.people == 4


def test_stale_personal_details_are_refused_and_other_sections_do_not_count(client, user_in):
    member = MemberFactory(
        user=user_in(access.MEMBER), pool_hours=Decimal(16), contract_hours=Decimal(36)
    )
    client.force_login(member.user)
    opened = version_in(client.get("/mijn-profiel/").content.decode(), "details-version")
    # Editing another section of the profile is no conflict for the personal details.
    pool_services.member_competency_add(member=member, competency=CompetencyFactory(), level=3)
    details = {
        "details-email": "a@example.org",
        "details-unit": "Ruimte",
        "details-pool_hours": "20",
        "details-version": opened,
    }
    response = client.post(reverse("pool:details"), details, headers=HTMX)
    assert CONFLICT not in response.content.decode()
    member.refresh_from_db()
    assert member.pool_hours == Decimal(20)

    # The same page saved again, after that save: refused, the 20 hours stay.
    response = client.post(
        reverse("pool:details"), {**details, "details-pool_hours": "24"}, headers=HTMX
    )
    assert CONFLICT in response.content.decode()
    assert Member.objects.get(pk=member.pk).pool_hours == Decimal(20)
