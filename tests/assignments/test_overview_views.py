"""The pool overview pages and their exports: who may see them, what they show, how many
queries they take, and that the CSV and XLSX files read back with the same figures."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assignments.matching.adapter import week_of
from assignments.models import Assignment
from pool import access
from pool.models import Leave
from tests.factories import (
    TODAY,
    AssignmentFactory,
    CompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = week_of(TODAY)
PAGES = ["hr:capacity", "hr:shortages", "hr:distribution"]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def served(hr_user):
    organisation = OrganisationFactory(name="Gemeente Oost")
    organisation.hr_advisors.add(hr_user)
    return organisation


@pytest.fixture
def booked(served):
    """Sanne: 16 pool hours, 8 confirmed from this week for four weeks, 4 proposed."""
    member = MemberFactory(
        organisation=served, first_name="Sanne", last_name="Bakker", unit="Ruimte"
    )
    confirm = RoleRequestFactory(
        opgave=OpgaveFactory(organisation=served),
        hours_per_week=Decimal(8),
        start=MONDAY,
        end=MONDAY + timedelta(weeks=4, days=-3),
    )
    AssignmentFactory(role_request=confirm, member=member, state=Assignment.State.CONFIRMED)
    propose = RoleRequestFactory(
        opgave=confirm.opgave, hours_per_week=Decimal(4), start=MONDAY, end=MONDAY
    )
    AssignmentFactory(role_request=propose, member=member, state=Assignment.State.PROPOSED)
    return member


@pytest.mark.parametrize("name", PAGES)
def test_only_hr_advisors_see_the_overview(client, user_in, name):
    url = reverse(name)
    assert client.get(url).status_code == 302  # to the login page
    for group in (access.MANAGER, access.MEMBER, access.LINE_MANAGER, access.ADMINISTRATOR):
        client.force_login(user_in(group))
        assert client.get(url).status_code == 403
        assert client.get(url, {"formaat": "csv"}).status_code == 403


@pytest.mark.parametrize("name", ["hr:capacity", "hr:distribution"])
def test_advisor_of_another_organisation_sees_only_what_is_shared(client, user_in, served, name):
    MemberFactory(organisation=served, last_name="Binnenhuis")
    served.shares_members = True
    served.save()
    MemberFactory(organisation=served, last_name="Gedeeld", shareable=True)
    other = OrganisationFactory(shares_members=True)
    other_hr = user_in(access.HR_ADVISOR)
    other.hr_advisors.add(other_hr)
    MemberFactory(organisation=other, last_name="Eigenaar")

    client.force_login(other_hr)
    page = client.get(reverse(name)).content.decode()
    assert "Eigenaar" in page and "Gedeeld" in page
    assert "Binnenhuis" not in page
    exported = client.get(reverse(name), {"formaat": "csv"}).content.decode("utf-8-sig")
    assert "Gedeeld" in exported and "Binnenhuis" not in exported
    # Choosing the other organisation in the filter does not reveal its unshared members.
    page = client.get(reverse(name), {"organisatie": served.uuid}).content.decode()
    assert "Gedeeld" in page and "Binnenhuis" not in page


def test_capacity_shows_booked_against_available_and_proposed_apart(client, hr_user, booked):
    client.force_login(hr_user)
    response = client.get(reverse("hr:capacity"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and 'aria-current="page"' in html
    assert "8 van 16 uur, 4 voorgesteld, deels bezet" in html  # this week
    assert "0 van 16 uur, vrij" in html  # week 5
    assert "rp-heat--partly" in html
    assert '<th scope="rowgroup"' in html and "Gemeente Oost" in html
    week = MONDAY.isocalendar().week
    assert f"wk {week}" in html
    assert response["Vary"] and "HX-Request" in response["Vary"]

    table = client.get(reverse("hr:capacity"), {"weergave": "tabel"}).content.decode()
    assert "8 van 16 uur, 4 voorgesteld (deels bezet)" in table
    assert "rp-heat--" not in table.split('id="capacity-results"')[1]


def test_capacity_filter_with_htmx_returns_only_the_results(client, hr_user, served, booked):
    MemberFactory(organisation=served, last_name="Anders", unit="Sociaal")
    client.force_login(hr_user)
    response = client.get(
        reverse("hr:capacity"), {"afdeling": "Ruimte", "groepering": "afdeling"}, **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="capacity-results"')
    assert "<h1" not in html
    assert "Ruimte – Gemeente Oost" in html
    assert "Sanne Bakker" in html and "Anders" not in html
    restore = {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
    assert "<h1" in client.get(reverse("hr:capacity"), **restore).content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_capacity_page_in_constant_queries(
    client, hr_user, served, django_assert_num_queries, count
):
    for member in MemberFactory.create_batch(count, organisation=served, unit="Ruimte"):
        Leave.objects.create(member=member, start=MONDAY, end=MONDAY + timedelta(days=1))
    client.force_login(hr_user)
    # session, user, groups, the pool counted per organisation and unit (the filter's
    # choices and the pager's groups), the organisations' order, their names for the
    # filter, the page's members, their availability, leave and inzet in one round trip,
    # unread notifications, session save (3)
    with django_assert_num_queries(12):
        response = client.get(reverse("hr:capacity"))
    assert response.content.decode().count("0 van 9,6 uur, vrij") == count


def test_capacity_pages_keep_the_filters(client, hr_user, served):
    MemberFactory.create_batch(52, organisation=served, unit="Ruimte")
    client.force_login(hr_user)
    response = client.get(reverse("hr:capacity"), {"afdeling": "Ruimte", "weergave": "tabel"})
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (52, 50)
    assert "?afdeling=Ruimte&amp;weergave=tabel&amp;pagina=2" in response.content.decode()
    second = client.get(reverse("hr:capacity"), {"afdeling": "Ruimte", "pagina": 2})
    assert len(second.context["page"].object_list) == 2


def test_capacity_exports_read_back(client, hr_user, booked):
    client.force_login(hr_user)
    response = client.get(reverse("hr:capacity"), {"formaat": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="capaciteit-{TODAY.isoformat()}.csv"'
    )
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Medewerker", "Personeelsnummer", "Organisatie", "Afdeling", "Week"]
    assert len(rows) == 1 + 12
    week = MONDAY.isocalendar()
    assert rows[1] == [
        "Sanne Bakker",
        booked.personnel_number,
        "Gemeente Oost",
        "Ruimte",
        f"{week.year}-W{week.week:02d}",
        MONDAY.isoformat(),
        "16,0",
        "8,0",
        "4,0",
        "8,0",
        "deels bezet",
    ]
    assert rows[5][6:] == ["16,0", "0,0", "0,0", "16,0", "vrij"]

    response = client.get(reverse("hr:capacity"), {"formaat": "xlsx"})
    assert response["Content-Disposition"].endswith(f'capaciteit-{TODAY.isoformat()}.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "Sanne Bakker"
    assert values[1][5].date() == MONDAY
    assert values[1][6:] == (16, 8, 4, 8, "deels bezet")


def test_exports_neutralise_formulas(client, hr_user, served):
    MemberFactory(organisation=served, first_name="=HYPERLINK(1)", last_name="X")
    client.force_login(hr_user)
    exported = client.get(reverse("hr:distribution"), {"formaat": "csv"}).content.decode()
    assert "'=HYPERLINK(1) X" in exported
    response = client.get(reverse("hr:distribution"), {"formaat": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "'=HYPERLINK(1) X"
    assert sheet["A2"].data_type == "s"


@pytest.fixture
def open_request(served):
    role = RoleFactory(name_nl="Regie")
    return RoleRequestFactory(
        opgave=OpgaveFactory(organisation=served),
        role=role,
        hours_per_week=Decimal(12),
        start=MONDAY + timedelta(weeks=1),
        end=MONDAY + timedelta(weeks=8),
    )


def test_shortages_page_and_export(client, hr_user, open_request):
    client.force_login(hr_user)
    html = client.get(reverse("hr:shortages")).content.decode()
    assert "Regie" in html
    assert "<svg" in html and 'role="img"' in html
    assert "gevraagd 12 uur" in html and "vrij 0 uur" in html

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("hr:shortages"), {"formaat": "csv"}).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert rows[0][-2:] == ["Gewenst (uur per week)", "Gewenst (personen)"]
    assert rows[1] == ["rol", "Regie", "1", "12,0", "1", "0,0", "0", "12,0", "1", "0,0", "0"]
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("hr:shortages"), {"formaat": "xlsx"}).content)
    ).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("rol", "Regie", 1, 12, 1, 0, 0, 12, 1, 0, 0)
    ]


@pytest.mark.parametrize("count", [5, 50])
def test_shortages_in_constant_queries(
    client, hr_user, served, open_request, django_assert_num_queries, count
):
    MemberFactory.create_batch(count, organisation=served)
    client.force_login(hr_user)
    # session, user, groups, requests, needs, the pool's members and their revisions,
    # unread notifications, the filter's organisations, session save (3); and in a process
    # that has not read the pool yet: the weeks up to the last open request, and the
    # members with their hours, competencies, learning goals and roles in one round trip
    with django_assert_num_queries(13):
        response = client.get(reverse("hr:shortages"))
    assert response.context["report"].roles[0].supply_people == 0
    with django_assert_num_queries(8):  # the session was renewed a moment ago
        response = client.get(reverse("hr:shortages"))
    assert response.context["report"].roles[0].supply_people == 0
    # Required and desired competencies, one organisation chosen, as htmx asks for the
    # results: session, user, groups, the chosen organisation (checked against those
    # served), requests, needs (required and desired at once), the ids and revisions of
    # the members who may staff it; the pool is already in this process's snapshot, the
    # session renewed a moment ago.
    for required in (True, False):
        RoleRequestCompetencyFactory(role_request=open_request, required=required)
    with django_assert_num_queries(7):
        response = client.get(reverse("hr:shortages"), {"organisatie": served.uuid}, **HTMX)
    assert len(response.context["report"].competencies) == 2


def shortage_rows(response) -> dict[str, tuple]:
    report = response.context["report"]
    return {
        row.label: (row.demand_hours, row.desired_hours, row.short_hours)
        for row in report.roles + report.competencies
    }


def test_shortages_per_organisation_served_with_desired_apart(client, hr_user, served):
    other = OrganisationFactory(name="Gemeente West")
    other.hr_advisors.add(hr_user)
    elsewhere = OrganisationFactory(name="Gemeente Elders")  # not served
    listen = CompetencyFactory(name_nl="Luisteren")
    for organisation, role, hours in ((served, "Regie", 12), (other, "Netwerk", 6)):
        request = RoleRequestFactory(
            opgave=OpgaveFactory(organisation=organisation),
            role=RoleFactory(name_nl=role),
            hours_per_week=Decimal(hours),
            start=MONDAY + timedelta(weeks=1),
            end=MONDAY + timedelta(weeks=8),
        )
        RoleRequestCompetencyFactory(
            role_request=request, competency=listen, min_level=2, required=organisation == served
        )
    client.force_login(hr_user)
    url = reverse("hr:shortages")

    everything = client.get(url)
    assert shortage_rows(everything) == {
        "Regie": (12, 0, 12),
        "Netwerk": (6, 0, 6),
        "Luisteren, niveau 2 of hoger": (12, 6, 12),
    }
    html = everything.content.decode()
    assert "Gewenst: uur per week" in html
    options = [str(choice[1]) for choice in everything.context["form"]["organisatie"].field.choices]
    assert options == ["Alle organisaties die je bedient", "Gemeente Oost", "Gemeente West"]

    west = client.get(url, {"organisatie": other.uuid})
    assert shortage_rows(west) == {"Netwerk": (6, 0, 6), "Luisteren, niveau 2 of hoger": (0, 6, 0)}
    # The filter travels with the exports.
    assert f"organisatie={other.uuid}&amp;formaat=csv" in west.content.decode()
    exported = client.get(url, {"organisatie": other.uuid, "formaat": "csv"})
    assert "Regie" not in exported.content.decode("utf-8-sig")

    # An organisation the advisor does not serve is refused, and all served are shown.
    refused = client.get(url, {"organisatie": elsewhere.uuid})
    assert refused.context["form"].errors["organisatie"]
    assert shortage_rows(refused) == shortage_rows(everything)


def test_shortage_filter_with_htmx_returns_only_the_results(client, hr_user, served, open_request):
    client.force_login(hr_user)
    fragment = client.get(reverse("hr:shortages"), {"organisatie": served.uuid}, **HTMX)
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="shortage-results">')
    assert "<html" not in body and "Regie" in body
    assert "HX-Request" in fragment["Vary"]
    page = client.get(reverse("hr:shortages"), {"organisatie": served.uuid})
    assert "<html" in page.content.decode() and 'id="shortage-results"' in page.content.decode()


def test_distribution_sorts_and_answers_htmx(client, hr_user, served, booked):
    MemberFactory(organisation=served, first_name="Nooit", last_name="Aan")
    client.force_login(hr_user)
    html = client.get(reverse("hr:distribution")).content.decode()
    assert html.index("Nooit Aan") < html.index("Sanne Bakker")
    assert "nooit ingezet" in html and "nu ingezet" in html
    assert 'aria-sort="descending"' in html

    response = client.get(reverse("hr:distribution"), {"sorteer": "-zonder-inzet"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="distribution-results"')
    assert html.index("Sanne Bakker") < html.index("Nooit Aan")
    assert "sorteer=zonder-inzet" in html  # the header link turns the order round
    assert 'aria-sort="ascending"' in html


@pytest.mark.parametrize("count", [5, 50])
def test_distribution_in_constant_queries(
    client, hr_user, served, django_assert_num_queries, count
):
    for member in MemberFactory.create_batch(count, organisation=served):
        AssignmentFactory(
            member=member,
            state=Assignment.State.COMPLETED,
            start=TODAY - timedelta(days=100),
            end=TODAY - timedelta(days=10),
        )
    client.force_login(hr_user)
    # session, user, groups, the pool counted per organisation and unit (the filter's
    # choices), the organisations' names, members, last ended inzet, inzet of the past
    # year, unread notifications, session save (3)
    with django_assert_num_queries(12):
        response = client.get(reverse("hr:distribution"))
    assert [row.days_without for row in response.context["page"].object_list] == [10] * count

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("hr:distribution"), {"formaat": "csv"}).content.decode(
                    "utf-8-sig"
                )
            ),
            delimiter=";",
        )
    )
    assert len(rows) == count + 1
    assert rows[1][4:] == [
        "zonder inzet",
        (TODAY - timedelta(days=10)).isoformat(),
        "10",
        "24,9",
        "1",
    ]
