from __future__ import annotations

import pytest

from pool import access
from tests.api.conftest import API, problem, uuids
from tests.factories import (
    MemberCompetencyFactory,
    MemberFactory,
    OrganisationFactory,
    UserFactory,
)


def test_administrator_and_manager_see_every_organisation(api, organisation, manager):
    other = OrganisationFactory()
    for user in (UserFactory(groups=[access.ADMINISTRATOR]), manager):
        assert {str(organisation.uuid), str(other.uuid)} <= uuids(
            api.as_user(user).get(f"{API}/organisaties")
        )


def test_advisor_sees_the_organisations_they_serve(api, organisation, advisor):
    other = OrganisationFactory()
    client = api.as_user(advisor)
    assert uuids(client.get(f"{API}/organisaties")) == {str(organisation.uuid)}
    assert client.get(f"{API}/organisaties/{organisation.uuid}").json()["naam"] == (
        organisation.name
    )
    problem(client.get(f"{API}/organisaties/{other.uuid}"), 404)


def test_member_sees_own_organisation(api, member):
    other = OrganisationFactory()
    client = api.as_user(member.user)
    assert uuids(client.get(f"{API}/organisaties")) == {str(member.organisation.uuid)}
    problem(client.get(f"{API}/organisaties/{other.uuid}"), 404)


def test_organisation_fields(api, administrator):
    organisation = OrganisationFactory(
        name="Gemeente Utrecht", cbs_code="GM0344", province="Utrecht", shares_members=True
    )
    body = api.as_user(administrator).get(f"{API}/organisaties/{organisation.uuid}").json()
    assert body == {
        "uuid": str(organisation.uuid),
        "naam": "Gemeente Utrecht",
        "soort": "municipality",
        "cbsCode": "GM0344",
        "provincie": "Utrecht",
        "deeltMedewerkers": True,
        "vrijgaveVereist": False,
    }
    response = api.get(f"{API}/organisaties?cbsCode=GM0344")
    assert uuids(response) == {str(organisation.uuid)}


def test_member_sees_only_own_record(api, member):
    colleague = MemberFactory(organisation=member.organisation)
    client = api.as_user(member.user)
    assert uuids(client.get(f"{API}/medewerkers")) == {str(member.uuid)}
    assert client.get(f"{API}/medewerkers/{member.uuid}").status_code == 200
    problem(client.get(f"{API}/medewerkers/{colleague.uuid}"), 404)


def test_advisor_sees_members_of_organisations_they_serve(api, organisation, advisor, member):
    colleague = MemberFactory(organisation=organisation)
    elsewhere = MemberFactory()
    client = api.as_user(advisor)
    assert uuids(client.get(f"{API}/medewerkers")) == {str(member.uuid), str(colleague.uuid)}
    problem(client.get(f"{API}/medewerkers/{elsewhere.uuid}"), 404)


def test_advisor_also_sees_the_members_shared_with_them(api, organisation, advisor, member):
    organisation.shares_members = True
    organisation.save()
    sharing = OrganisationFactory(shares_members=True)
    shared = MemberFactory(organisation=sharing, shareable=True)
    MemberFactory(organisation=sharing, shareable=False)  # did not opt in
    client = api.as_user(advisor)
    assert uuids(client.get(f"{API}/medewerkers")) == {str(member.uuid), str(shared.uuid)}
    assert client.get(f"{API}/medewerkers/{shared.uuid}").status_code == 200


@pytest.mark.parametrize("group", [access.ADMINISTRATOR, access.MANAGER, access.LINE_MANAGER])
def test_other_groups_may_not_list_members(api, member, group):
    """No page shows them member records: the lists are refused (403, not an empty page),
    a member's competencies too; a record itself stays 404, as for anyone it is not
    visible to."""
    client = api.as_user(UserFactory(groups=[group]))
    problem(client.get(f"{API}/medewerkers"), 403)
    problem(client.get(f"{API}/medewerkers/{member.uuid}"), 404)
    problem(client.get(f"{API}/medewerkers/{member.uuid}/competenties"), 403)


def test_a_line_manager_may_not_list_organisations(api, member):
    client = api.as_user(UserFactory(groups=[access.LINE_MANAGER]))
    problem(client.get(f"{API}/organisaties"), 403)
    problem(client.get(f"{API}/organisaties/{member.organisation.uuid}"), 404)


def test_member_fields(api, member):
    held = MemberCompetencyFactory(member=member, level=3)
    body = api.as_user(member.user).get(f"{API}/medewerkers/{member.uuid}").json()
    assert body == {
        "uuid": str(member.uuid),
        "organisatie": str(member.organisation.uuid),
        "personeelsnummer": member.personnel_number,
        "voornaam": member.first_name,
        "achternaam": member.last_name,
        "email": "",
        "afdeling": "",
        "contractUrenPerWeek": 36.0,
        "poolUrenPerWeek": 16.0,
        "extern": False,
        "deelbaar": False,
        "profielBevestigdOp": None,
        "competenties": [
            {"competentie": held.competency.code, "niveau": 3, "onderbouwing": held.evidence}
        ],
    }


@pytest.mark.parametrize("rows", [3, 20])
def test_member_list_runs_constant_queries(
    api, organisation, advisor, django_assert_num_queries, rows
):
    for member in MemberFactory.create_batch(rows, organisation=organisation):
        MemberCompetencyFactory.create_batch(2, member=member)
    client = api.as_user(advisor)
    # groups, count, page (organisation joined), competencies (prefetched)
    with django_assert_num_queries(4):
        response = client.get(f"{API}/medewerkers")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [3, 20])
def test_organisation_list_runs_constant_queries(
    api, administrator, django_assert_num_queries, rows
):
    OrganisationFactory.create_batch(rows)
    with django_assert_num_queries(3):  # groups, count, page
        response = api.as_user(administrator).get(f"{API}/organisaties")
    assert response.json()["count"] == rows
