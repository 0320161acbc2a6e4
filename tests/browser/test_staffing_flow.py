"""End to end in Chromium: HR proposes the best candidate, the member accepts, HR confirms."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from assignments.matching import services
from pool import access
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_smoke import assert_no_problems, log_in
from tests.factories import (
    TODAY,
    CompetencyFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile("/inloggen/$"))


def test_propose_accept_confirm(page: Page, axe, browser_problems):
    hr = UserFactory(groups=[access.HR_ADVISOR])
    organisation = OrganisationFactory()
    organisation.hr_advisors.add(hr)
    competency = CompetencyFactory(name_nl="Verbindend")
    request = RoleRequestFactory(
        opgave=OpgaveFactory(organisation=organisation, title="Warmtetransitie Oost"),
        hours_per_week=Decimal(8),
    )
    RoleRequestCompetencyFactory(role_request=request, competency=competency, min_level=3)
    best = MemberFactory(
        organisation=organisation,
        first_name="Sanne",
        last_name="Bakker",
        user=UserFactory(groups=[access.MEMBER]),
    )
    MemberCompetencyFactory(member=best, competency=competency, level=4)
    MemberFactory.create_batch(2, organisation=organisation)
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    RoleRequestFactory(opgave=OpgaveFactory(organisation=organisation, title="Jeugdzorg West"))

    page.goto("/inloggen/")
    log_in(page, hr)
    assert_no_axe_violations(axe(), "the staffing board")
    # Live search narrows the board without a page load, and the URL keeps the filter.
    results = page.locator("#board-results")
    expect(results.get_by_text("Jeugdzorg West")).to_have_count(1)
    page.get_by_label("Zoeken").fill("Warmte")
    expect(results.get_by_text("Jeugdzorg West")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/bezetting/\?.*zoek=Warmte"))
    # The request opens beside the list.
    page.get_by_role("link", name=request.role.name_nl).click()
    panel = page.locator("#request-panel")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Warmtetransitie Oost")
    expect(page).to_have_url(re.compile(r"/bezetting/"))
    first_row = panel.get_by_role("row").nth(1)
    expect(first_row).to_contain_text("Sanne Bakker")
    expect(first_row).to_contain_text("Verbindend: 4/3")
    assert_no_axe_violations(axe(), "the board with the request beside it")
    # Searching the candidates forgives a typo.
    panel.get_by_label("Zoeken").fill("Bakkr")
    expect(panel.get_by_text("1 kandidaat met deze filters")).to_be_visible()
    expect(panel.get_by_role("row")).to_have_count(2)
    panel.get_by_role("row").nth(1).get_by_role("button", name="Sanne Bakker voorstellen").click()
    # The panel comes back in place: the outcome in the live region beside it, the inzet
    # and the candidates as they are now (still filtered), and the list's row counts it.
    status = page.get_by_role("status").filter(has_text="Sanne Bakker is voorgesteld")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(panel.get_by_text("Sanne Bakker – voorgesteld")).to_be_visible()
    expect(panel.get_by_text("1 kandidaat met deze filters")).to_be_visible()
    row = results.get_by_role("row").filter(has_text="Warmtetransitie Oost")
    expect(row).to_contain_text("1 voorgesteld")
    expect(page).to_have_url(re.compile(r"/bezetting/\?.*zoek=Warmte.*rolvraag="))
    expect(page.locator("h1")).to_have_text("Bezetting: open rolvragen")
    assert_no_axe_violations(axe(), "the board after a proposal from the panel")
    log_out(page)

    log_in(page, best.user)
    page.get_by_role("link", name="Voorstellen").click()
    assert_no_axe_violations(axe(), "the proposals page")
    page.get_by_role("button", name="Accepteren").click()
    expect(page.get_by_text("Je hebt het voorstel geaccepteerd")).to_be_visible()
    page.get_by_role("link", name="Mijn inzet").click()
    expect(page.get_by_role("row").filter(has_text="Warmtetransitie Oost")).to_be_visible()
    assert_no_axe_violations(axe(), "the inzet page")
    log_out(page)

    log_in(page, hr)
    expect(results.get_by_role("row").filter(has_text="Warmtetransitie Oost")).to_contain_text(
        "1 / 1"  # accepted: booked, not yet confirmed
    )
    page.get_by_role("link", name=request.role.name_nl).click()
    panel.get_by_role("button", name="Bevestigen").click()
    expect(page.locator("#panel-status")).to_contain_text("De inzet van Sanne Bakker is bevestigd")
    expect(panel.get_by_text("Sanne Bakker – bevestigd")).to_be_visible()
    # The list followed: the filled request left the board, which stays where it was.
    expect(results.get_by_text("Warmtetransitie Oost")).to_have_count(0)
    expect(results.get_by_text("1 open rolvraag")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Bezetting: open rolvragen")
    assert_no_axe_violations(axe(), "the board after a confirmation from the panel")
    # The heatmap shows her confirmed hours in the weeks of the request.
    page.get_by_role("link", name="Pooloverzicht").click()
    sanne = page.get_by_role("row").filter(has_text="Sanne Bakker")
    expect(sanne.get_by_role("cell").filter(has_text="8 van 16 uur").first).to_be_visible()
    assert_no_problems(browser_problems)
