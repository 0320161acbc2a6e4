"""The audit log: what is recorded, who may read it, filters, paging, constant queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from assignments.services import (
    assignment_accept,
    assignment_propose,
    matching_weights_update,
    opgave_cancel,
)
from pool import access
from pool.importing import members_import, read_files
from pool.models import AuditEntry
from tests.factories import (
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestFactory,
    UserFactory,
)
from tests.pool.test_importing import MEMBERS_CSV, files

pytestmark = pytest.mark.django_db

URL = reverse("audit:log")


@pytest.fixture
def administrator(user_in):
    return user_in(access.ADMINISTRATOR, is_staff=True)


def staffing_in(organisation, hr_user, *, title="Energieplan", last_name="Jansen"):
    """A proposal accepted by a member of `organisation` on one of its opgaven."""
    member = MemberFactory(
        organisation=organisation,
        last_name=last_name,
        user=UserFactory(groups=[access.MEMBER]),
    )
    opgave = OpgaveFactory(organisation=organisation, title=title)
    assignment = assignment_propose(
        role_request=RoleRequestFactory(opgave=opgave), member=member, by=hr_user
    )
    assignment_accept(assignment=assignment, by=member.user)
    return member, opgave


@pytest.fixture
def own_org(hr_user):
    organisation = OrganisationFactory()
    organisation.hr_advisors.add(hr_user)
    return organisation


def test_hr_reads_the_staffing_of_their_organisations_only(client, hr_user, own_org):
    staffing_in(own_org, hr_user, title="Eigen opgave", last_name="Eigenaar")
    staffing_in(OrganisationFactory(), hr_user, title="Vreemde opgave", last_name="Vreemd")
    client.force_login(hr_user)
    page = client.get(URL).content.decode()
    assert "Eigen opgave" in page and "Eigenaar" in page
    assert "Vreemde opgave" not in page and "Vreemd" not in page
    assert "voorgesteld → geaccepteerd" in page


def test_administrators_read_everything(client, hr_user, own_org, administrator):
    staffing_in(own_org, hr_user, title="Eigen opgave")
    staffing_in(OrganisationFactory(), hr_user, title="Vreemde opgave")
    client.force_login(administrator)
    page = client.get(URL).content.decode()
    assert "Eigen opgave" in page and "Vreemde opgave" in page


@pytest.mark.parametrize("group", [access.MEMBER, access.MANAGER, access.LINE_MANAGER])
def test_other_groups_are_refused(client, user_in, group):
    client.force_login(user_in(group))
    assert client.get(URL).status_code == 403
    assert client.get(URL, headers={"HX-Request": "true"}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_filters_by_person_and_by_opgave(client, hr_user, own_org):
    staffing_in(own_org, hr_user, title="Energieplan", last_name="Jansen")
    staffing_in(own_org, hr_user, title="Jeugdzorg", last_name="Pietersen")
    client.force_login(hr_user)
    by_person = client.get(URL, {"persoon": "pietersen"}).content.decode()
    assert "Jeugdzorg" in by_person and "Energieplan" not in by_person
    by_opgave = client.get(URL, {"opgave": "energie"}).content.decode()
    assert "Jansen" in by_opgave and "Pietersen" not in by_opgave


def test_htmx_gets_only_the_results(client, hr_user, own_org):
    staffing_in(own_org, hr_user)
    client.force_login(hr_user)
    response = client.get(URL, {"opgave": "energie"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="audit-results"')
    assert "<html" not in body


def test_opgave_changes_are_in_the_log(client, hr_user, own_org):
    manager = OpgaveFactory(organisation=own_org).owner
    manager.groups.add(Group.objects.get(name=access.MANAGER))
    opgave = OpgaveFactory(organisation=own_org, owner=manager, title="Vluchtelingenopvang")
    opgave_cancel(opgave=opgave, by=manager, reason="Geen budget")
    client.force_login(hr_user)
    page = client.get(URL, {"opgave": "vluchtelingen"}).content.decode()
    assert "Geen budget" in page


def test_weights_changes_are_recorded(administrator):
    from assignments.matching.core import Weights

    matching_weights_update(values={"competency": 40}, by=administrator)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.WEIGHTS_CHANGED, actor=administrator)
    assert entry.data["from"] == Weights().as_dict()
    assert entry.data["to"] == Weights(competency=40).as_dict()


def test_imports_are_recorded_with_their_counts(client, administrator):
    OrganisationFactory(cbs_code="GM9344")
    members_import(tables=read_files(files(MEMBERS_CSV)), by=administrator)
    client.force_login(administrator)
    row = client.get(URL).context["page"].object_list[0]
    assert (row.actor, str(row.what)) == (administrator, "import")
    assert [str(d) for d in row.details] == [
        "Medewerkers: 2 nieuw, 0 gewijzigd, 0 ongewijzigd. "
        "Competenties: 0 nieuw, 0 gewijzigd, 0 ongewijzigd. "
        "Beschikbaarheid: 0 nieuw, 0 gewijzigd, 0 ongewijzigd."
    ]


def test_group_changes_in_the_admin_are_recorded(client, administrator, user_in):
    user = user_in(access.MEMBER)
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "groups": [Group.objects.get(name=access.HR_ADVISOR).pk],
            "user_permissions": [],
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "is_staff": "on",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data["is_active"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    groups = AuditEntry.objects.get(action=AuditEntry.Action.GROUPS_CHANGED)
    assert groups.account_id == user.pk and groups.actor_id == administrator.pk
    assert groups.data == {"added": [access.HR_ADVISOR], "removed": [access.MEMBER]}
    account = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_CHANGED)
    assert account.data == {"fields": ["is_staff"]}
    client.force_login(administrator)
    page = client.get(URL).content.decode()
    assert "groepen van account gewijzigd" in page


def test_hr_advisor_changes_are_recorded(client, administrator, hr_user):
    organisation = OrganisationFactory()
    client.force_login(administrator)
    url = reverse("admin:pool_organisation_change", args=[organisation.pk])
    response = client.post(
        url,
        {
            "name": organisation.name,
            "kind": organisation.kind,
            "cbs_code": organisation.cbs_code,
            "province": "",
            "hr_advisors": [hr_user.pk],
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.HR_ADVISORS_CHANGED)
    assert entry.data == {"added": [hr_user.pk], "removed": []}
    assert entry.organisation_id == organisation.pk


def test_the_log_pages_with_a_constant_number_of_queries(
    client, hr_user, own_org, administrator, django_assert_num_queries
):
    def one_of_each(n):
        staffing_in(own_org, hr_user, title=f"Opgave {n}")
        manager = OpgaveFactory(organisation=own_org).owner
        manager.groups.add(Group.objects.get(name=access.MANAGER))
        opgave = OpgaveFactory(organisation=own_org, owner=manager)
        opgave_cancel(opgave=opgave, by=manager, reason="Niet nodig")
        member = MemberFactory(organisation=own_org)
        AuditEntry.objects.create(
            action=AuditEntry.Action.MEMBER_ANONYMISED,
            actor=administrator,
            member=member,
            organisation=own_org,
        )

    one_of_each(0)
    client.force_login(hr_user)
    # session, user, groups; count, page of keys; transitions, opgave changes, audit
    # entries; unread notifications; the session's renewal (savepoint, update, release).
    with django_assert_num_queries(12):
        assert client.get(URL).status_code == 200
    for n in range(1, 25):
        one_of_each(n)
    with django_assert_num_queries(9):  # the session was renewed a moment ago
        response = client.get(URL, {"pagina": "2"})
    assert response.status_code == 200
    assert "Pagina 2 van" in response.content.decode()
