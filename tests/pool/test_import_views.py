"""The import and export page of the functional administrator."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pool import access
from pool.importing import xlsx_values
from pool.models import AuditEntry, Member
from tests.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.pool.test_importing import COMPETENCIES_CSV, MEMBERS_CSV

pytestmark = pytest.mark.django_db
URL = reverse("pool:member_import")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(groups=[access.ADMINISTRATOR]))
    return client


@pytest.fixture
def org():
    return OrganisationFactory(cbs_code="GM9344")


def token_in(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def upload(members: str, competencies: str = "") -> dict:
    data = {"members": SimpleUploadedFile("medewerkers.csv", members.encode())}
    if competencies:
        data["competencies"] = SimpleUploadedFile("competenties.csv", competencies.encode())
    return data


@pytest.mark.parametrize("group", [access.HR_ADVISOR, access.MANAGER, access.MEMBER])
def test_only_the_functional_administrator(client, group, org):
    client.force_login(UserFactory(groups=[group]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, upload(MEMBERS_CSV)).status_code == 403
    export = reverse("pool:member_export", args=["medewerkers.csv"])
    assert client.get(export).status_code == 403
    assert not Member.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_check_then_confirm(admin_client, org, headers):
    page = admin_client.get(URL, **headers)
    assert page.status_code == 200
    response = admin_client.post(URL, upload(MEMBERS_CSV), **headers)
    html = response.content.decode()
    assert "Gecontroleerd: alle rijen zijn in orde" in html
    assert "2 nieuw, 0 gewijzigd, 0 ongewijzigd" in html
    assert ("<h1" in html) is not bool(headers)  # htmx: only the import section
    assert not Member.objects.exists()  # nothing saved before confirming
    token = token_in(html)
    response = admin_client.post(URL, {"token": token}, **headers)
    assert Member.objects.count() == 2
    audit = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)  # who imported what
    assert audit.actor == response.wsgi_request.user
    assert audit.data["members"] == {"created": 2, "updated": 0, "unchanged": 0}
    if headers:
        assert "Geïmporteerd. Medewerkers: 2 nieuw" in response.content.decode()
    else:
        assert response.status_code == 302
        assert "Geïmporteerd" in admin_client.get(URL).content.decode()
    again = admin_client.post(URL, {"token": token}, **headers)  # the check is used up
    assert "Deze controle is verlopen" in again.content.decode()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_errors_per_row_and_nothing_saved(admin_client, org, headers):
    bad = MEMBERS_CSV + "1003;Cas;Eik;;GM9344;;36;40\n"
    competencies = COMPETENCIES_CSV  # no such competencies here: three errors
    response = admin_client.post(URL, upload(bad, competencies), **headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Niet geïmporteerd: 4 fouten gevonden" in html
    assert "Dat is meer dan de contracturen." in html
    assert "Deze competentie staat niet in de catalogus." in html
    assert 'name="token"' not in html
    assert not Member.objects.exists()


def test_a_token_of_another_administrator_is_useless(admin_client, client, org):
    token = token_in(admin_client.post(URL, upload(MEMBERS_CSV)).content.decode())
    other = type(client)()
    other.force_login(UserFactory(groups=[access.ADMINISTRATOR]))
    assert "Deze controle is verlopen" in other.post(URL, {"token": token}).content.decode()
    assert not Member.objects.exists()


def test_unreadable_and_missing_files(admin_client, org):
    response = admin_client.post(URL, {})
    assert "Dit veld is vereist." in response.content.decode()
    fake = {"members": SimpleUploadedFile("m.xlsx", b"PK\x03\x04 rubbish")}
    assert "geen leesbaar Excel-bestand" in admin_client.post(URL, fake).content.decode()
    wrong = {"members": SimpleUploadedFile("m.pdf", b"%PDF")}
    assert "Kies een CSV- of XLSX-bestand." in admin_client.post(URL, wrong).content.decode()


def test_export_downloads(admin_client, org):
    MemberFactory(organisation=org, personnel_number="42")
    csv = admin_client.get(reverse("pool:member_export", args=["medewerkers.csv"]))
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="medewerkers.csv"' in csv["Content-Disposition"]
    assert b"\r\n42," in csv.content
    xlsx = admin_client.get(reverse("pool:member_export", args=["rolpool-medewerkers.xlsx"]))
    sheets = dict(xlsx_values(xlsx.content))
    assert list(sheets) == ["medewerkers", "competenties", "beschikbaarheid"]
    assert sheets["medewerkers"][1][0] == "42"
    assert admin_client.get(reverse("pool:member_export", args=["x.csv"])).status_code == 404


def test_page_query_count(admin_client, org, django_assert_num_queries):
    admin_client.get(URL)  # renews the session, which then waits a minute
    # session, user, groups, unread notifications; none of its own
    with django_assert_num_queries(4):
        admin_client.get(URL)
