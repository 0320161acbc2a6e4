"""End to end in Chromium: the member accepts, the line manager releases, HR confirms."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from assignments.services import assignment_propose
from pool import access
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_smoke import assert_no_problems, log_in
from tests.browser.test_staffing_flow import log_out
from tests.factories import (
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestFactory,
    UserFactory,
)


def test_accept_release_confirm(page: Page, axe, browser_problems):
    hr = UserFactory(groups=[access.HR_ADVISOR])
    line_manager = UserFactory(
        groups=[access.LINE_MANAGER], first_name="Linda", last_name="Goedhart"
    )
    organisation = OrganisationFactory(requires_release=True)
    organisation.hr_advisors.add(hr)
    request = RoleRequestFactory(
        opgave=OpgaveFactory(organisation=organisation, title="Warmtetransitie Oost"),
        hours_per_week=Decimal(8),
    )
    member = MemberFactory(
        organisation=organisation,
        first_name="Sanne",
        last_name="Bakker",
        user=UserFactory(groups=[access.MEMBER]),
        line_manager=line_manager,
    )
    assignment_propose(role_request=request, member=member, by=hr)
    request_page = f"/bezetting/rolvragen/{request.uuid}/"

    page.goto("/inloggen/")
    log_in(page, member.user)
    # The header shows the unread count with the page.
    expect(page.get_by_role("link", name=re.compile(r"Meldingen\s+1 ongelezen"))).to_be_visible()
    page.get_by_role("link", name="Voorstellen").click()
    page.get_by_role("button", name="Accepteren").click()
    expect(page.get_by_text("Je hebt het voorstel geaccepteerd")).to_be_visible()
    log_out(page)

    log_in(page, hr)
    page.goto(request_page)
    expect(page.get_by_text("wacht op vrijgave door Linda Goedhart")).to_be_visible()
    expect(page.get_by_role("button", name="Bevestigen")).to_have_count(0)
    log_out(page)

    log_in(page, line_manager)
    expect(page).to_have_url(re.compile("/leidinggevende/vrijgaven/$"))
    row = page.get_by_role("row").filter(has_text="Sanne Bakker")
    expect(row).to_contain_text("Warmtetransitie Oost")
    assert_no_axe_violations(axe(), "the line manager's release page")
    row.get_by_role("button", name="Sanne Bakker vrijgeven", exact=True).click()
    expect(row).to_contain_text("Je hebt de uren van Sanne Bakker vrijgegeven")
    assert_no_axe_violations(axe(), "the release page after an inline decision")
    page.get_by_role("link", name=re.compile("^Meldingen")).click()
    expect(page.get_by_role("heading", name="Vrijgave gevraagd: Sanne Bakker")).to_be_visible()
    assert_no_axe_violations(axe(), "the notifications page")
    page.get_by_role("button", name=re.compile("^Markeer als gelezen")).click()
    expect(page.get_by_text("Je hebt alles gelezen.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Markeer als gelezen"))).to_have_count(0)
    log_out(page)

    log_in(page, hr)
    page.goto(request_page)
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("De inzet van Sanne Bakker is bevestigd")).to_be_visible()
    assert_no_problems(browser_problems)
