"""In Chromium: the HR advisor's capacity heatmap and shortages pages pass axe and show the
hours of a confirmed inzet; the filters work through htmx."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect

from assignments.matching.adapter import week_of
from assignments.models import Assignment
from pool import access
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_smoke import assert_no_problems, log_in
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
    UserFactory,
)


def test_capacity_and_shortages(page: Page, axe, browser_problems):
    hr = UserFactory(groups=[access.HR_ADVISOR])
    organisation = OrganisationFactory(name="Gemeente Oost")
    organisation.hr_advisors.add(hr)
    monday = week_of(TODAY)
    opgave = OpgaveFactory(organisation=organisation, start=monday)
    staffed = RoleRequestFactory(
        opgave=opgave, hours_per_week=Decimal(8), start=monday, end=monday + timedelta(weeks=6)
    )
    sanne = MemberFactory(
        organisation=organisation, first_name="Sanne", last_name="Bakker", unit="Ruimte"
    )
    AssignmentFactory(role_request=staffed, member=sanne, state=Assignment.State.CONFIRMED)
    MemberFactory(organisation=organisation, first_name="Ali", last_name="Yilmaz", unit="Sociaal")
    wanted = RoleRequestFactory(
        opgave=opgave,
        role=RoleFactory(name_nl="Netwerkbouwer"),
        hours_per_week=Decimal(12),
        start=monday + timedelta(weeks=2),
    )
    RoleRequestCompetencyFactory(
        role_request=wanted, competency=CompetencyFactory(name_nl="Luisteren"), required=False
    )
    west = OrganisationFactory(name="Gemeente West")
    west.hr_advisors.add(hr)
    RoleRequestFactory(
        opgave=OpgaveFactory(organisation=west, start=monday),
        role=RoleFactory(name_nl="Wijkregisseur"),
        start=monday + timedelta(weeks=2),
    )

    page.goto("/inloggen/")
    log_in(page, hr)
    page.get_by_role("link", name="Pooloverzicht").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pooloverzicht: capaciteit")
    sanne_row = page.get_by_role("row").filter(has_text="Sanne Bakker")
    expect(sanne_row.get_by_role("cell").first).to_contain_text("8 van 16 uur, deels bezet")
    assert_no_axe_violations(axe(), "the capacity heatmap")

    page.get_by_label("Afdeling", exact=True).select_option("Sociaal")  # htmx swaps the results
    expect(page.get_by_role("row").filter(has_text="Sanne Bakker")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="Ali Yilmaz")).to_be_visible()
    page.get_by_role("radio", name="tabel").check()
    expect(page.get_by_role("cell").filter(has_text="0 van 16 uur (vrij)").first).to_be_visible()
    assert_no_axe_violations(axe(), "the capacity table view")

    page.get_by_role("link", name="Tekorten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pooloverzicht: tekorten")
    expect(page.get_by_role("row").filter(has_text="Netwerkbouwer")).to_contain_text("12")
    expect(page.get_by_role("img", name="Per rol")).to_be_visible()
    # The desired competency is demand too, in its own column.
    luisteren = page.get_by_role("row").filter(has_text="Luisteren")
    expect(luisteren.get_by_role("cell").nth(-2)).to_have_text("12")
    assert_no_axe_violations(axe(), "the shortages page")
    expect(page.get_by_role("row").filter(has_text="Wijkregisseur")).to_have_count(1)
    page.get_by_label("Organisatie").select_option("Gemeente Oost")  # htmx swaps the results
    expect(page.get_by_role("row").filter(has_text="Wijkregisseur")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="Netwerkbouwer")).to_contain_text("12")
    assert_no_axe_violations(axe(), "the shortages of one organisation")

    page.get_by_role("link", name="Verdeling").click()
    expect(page.get_by_role("row").nth(1)).to_contain_text("Ali Yilmaz")  # never staffed
    assert_no_axe_violations(axe(), "the distribution page")
    assert_no_problems(browser_problems)
