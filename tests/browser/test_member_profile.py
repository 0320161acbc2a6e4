"""Mijn profiel in a real browser: a medewerker keeps their profile up to date, with htmx and
without JavaScript, and the page passes axe-core before and after."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from assignments.matching.services import matches_rebuild
from assignments.models import Match
from pool import access
from pool.models import Availability, MemberCompetency
from tests.browser.conftest import TIMEOUT_MS, BrowserProblems, assert_no_axe_violations
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

PASSWORD = "geheim-wachtwoord"  # what UserFactory sets


def make_member() -> User:
    user = UserFactory(groups=[access.MEMBER])
    MemberFactory(user=user, contract_hours=Decimal(36), pool_hours=Decimal(16))
    return user


def log_in(page: Page, user: User) -> None:
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile("/mijn-profiel/$"))


def section(page: Page, name: str):
    return page.get_by_role("region", name=name, exact=True)


def test_member_adds_a_competency_and_availability(
    page: Page, axe, browser_problems: BrowserProblems
):
    user = make_member()
    log_in(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn profiel")
    expect(page.get_by_text("Je profiel is voor 0% compleet.")).to_be_visible()
    assert_no_axe_violations(axe(), "Mijn profiel, empty")

    # A competency through the picker: typing narrows the list to what matches.
    competencies = section(page, "Competenties")
    competencies.get_by_label("Zoek in de catalogus").press_sequentially("samen", delay=30)
    picker = competencies.get_by_label("Competentie", exact=True)
    expect(picker.locator("option")).to_have_text(["Samenwerkend"])
    expect(competencies.get_by_role("status")).to_have_text("1 competentie gevonden voor “samen”.")
    picker.select_option(label="Samenwerkend")
    competencies.get_by_label("Niveau").select_option(label="3 – gevorderd")
    competencies.get_by_label("Onderbouwing").fill("Ketenoverleg jeugd opgezet")
    competencies.get_by_role("button", name="Competentie toevoegen").click()

    row = competencies.get_by_role("row", name=re.compile("Samenwerkend"))
    expect(row).to_contain_text("3 – gevorderd")
    expect(row).to_contain_text("Ketenoverleg jeugd opgezet")
    expect(
        page.get_by_role("status").filter(has_text="De competentie is toegevoegd.")
    ).to_be_attached()

    # Change it in place: the form takes the row's place, with the focus in it.
    row.get_by_role("link", name="Wijzigen Samenwerkend").click()
    level = row.get_by_label("Niveau")
    expect(level).to_be_focused()
    assert_no_axe_violations(axe(), "Mijn profiel, changing a competency")
    level.select_option(label="4 – expert")
    row.get_by_role("button", name="Opslaan Samenwerkend").click()
    expect(row).to_contain_text("4 – expert")
    expect(row.get_by_role("link", name="Wijzigen Samenwerkend")).to_be_focused()

    # Availability for the coming weeks.
    availability = section(page, "Beschikbaarheid")
    start, end = TODAY + timedelta(days=7), TODAY + timedelta(weeks=12)
    availability.get_by_label("Van").fill(start.isoformat())
    availability.get_by_label("Tot en met").fill(end.isoformat())
    availability.get_by_label("Uren per week").fill("12")
    availability.get_by_role("button", name="Periode toevoegen").click()
    expect(availability.get_by_role("row", name=re.compile(str(end.year)))).to_contain_text("12")
    # The completeness indicator followed along, out of band.
    expect(page.get_by_text("Je profiel is voor 25% compleet.")).to_be_visible()

    held = MemberCompetency.objects.get(member__user=user)
    assert (held.competency.name_nl, held.level) == ("Samenwerkend", 4)
    period = Availability.objects.get(member__user=user)
    assert (period.start, period.end, period.hours_per_week) == (start, end, Decimal(12))
    assert page.url.endswith("/mijn-profiel/")  # all of it in place, no page loads

    assert_no_axe_violations(axe(), "Mijn profiel, filled in")
    assert browser_problems.messages == [], "\n".join(browser_problems.messages)


def test_errors_appear_beside_the_field_and_keep_what_was_typed(
    page: Page, axe, browser_problems: BrowserProblems
):
    log_in(page, make_member())
    availability = section(page, "Beschikbaarheid")
    availability.get_by_label("Van").fill((TODAY + timedelta(days=14)).isoformat())
    availability.get_by_label("Tot en met").fill(TODAY.isoformat())
    availability.get_by_label("Uren per week").fill("8")
    availability.get_by_label("Toelichting").fill("Minder door een lijnproject")
    availability.get_by_role("button", name="Periode toevoegen").click()

    end = availability.get_by_label("Tot en met")
    expect(end).to_have_attribute("aria-invalid", "true")
    expect(end).to_have_accessible_description("De einddatum ligt voor de begindatum.")
    expect(availability.get_by_label("Toelichting")).to_have_value("Minder door een lijnproject")
    assert_no_axe_violations(axe(), "Mijn profiel with an error")
    assert browser_problems.messages == [], "\n".join(browser_problems.messages)


@pytest.fixture
def page_without_javascript(
    browser: Browser, live_server: Any, committed_db: None
) -> Iterator[Page]:
    context = browser.new_context(
        locale="nl-NL", base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_without_javascript_search_and_add_work_as_plain_forms(page_without_javascript: Page):
    page = page_without_javascript
    user = make_member()
    log_in(page, user)

    competencies = section(page, "Competenties")
    competencies.get_by_label("Zoek in de catalogus").fill("wmo")
    competencies.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(r"/mijn-profiel/competenties/zoeken/\?q=wmo"))
    competencies = section(page, "Competenties")
    picker = competencies.get_by_label("Competentie", exact=True)
    expect(picker.locator("option")).to_have_text(["Jeugd en Wmo"])
    picker.select_option(label="Jeugd en Wmo")
    competencies.get_by_label("Niveau").select_option(label="2 – zelfstandig")
    competencies.get_by_role("button", name="Competentie toevoegen").click()

    expect(page).to_have_url(re.compile("/mijn-profiel/#competencies$"))  # redirect after POST
    expect(page.get_by_text("De competentie is toegevoegd.")).to_be_visible()
    expect(
        section(page, "Competenties").get_by_role("row", name=re.compile("Jeugd en Wmo"))
    ).to_be_visible()


def test_a_raised_level_shows_in_the_members_match_within_seconds(
    page: Page, axe, browser_problems: BrowserProblems, celery_worker_process
):
    """The issue's "done when": the member raises their level on a competency an open
    request requires, in Mijn profiel, and a real worker recomputes their match, which
    Kansen shows higher a moment later."""
    user = UserFactory(groups=[access.MEMBER])
    organisation = OrganisationFactory()
    member = MemberFactory(user=user, organisation=organisation)
    competency = CompetencyFactory(name_nl="Verbindend leiderschap")
    request = RoleRequestFactory(opgave=OpgaveFactory(organisation=organisation))
    RoleRequestCompetencyFactory(role_request=request, competency=competency, min_level=4)
    held = MemberCompetencyFactory(member=member, competency=competency, level=1)
    matches_rebuild(today=TODAY)
    before = Match.objects.get(role_request=request, member=member).score

    log_in(page, user)
    page.goto("/mijn/kansen/")
    expect(page.get_by_text(f"Match {before:.0f} van 100")).to_be_visible()

    page.goto("/mijn-profiel/")
    competencies = section(page, "Competenties")
    row = competencies.get_by_role("row", name="Verbindend leiderschap")
    row.get_by_role("link", name="Wijzigen Verbindend leiderschap").click()
    row.get_by_label("Niveau").select_option(label="4 – expert")
    row.get_by_role("button", name="Opslaan Verbindend leiderschap").click()
    # Saved: the row is back to reading, with the new level.
    expect(row.get_by_role("link", name="Wijzigen Verbindend leiderschap")).to_be_visible()
    expect(row.get_by_role("cell", name="4 – expert", exact=True)).to_be_visible()
    assert MemberCompetency.objects.get(pk=held.pk).level == 4

    # The worker takes the task a second after the commit (edits in a burst coalesce).
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while (after := Match.objects.get(role_request=request, member=member).score) == before:
        assert time.monotonic() < deadline, "the worker did not recompute the match"
        time.sleep(0.2)
    assert after > before
    page.goto("/mijn/kansen/")
    expect(page.get_by_text(f"Match {after:.0f} van 100")).to_be_visible()
    assert_no_axe_violations(axe(), "Kansen after the recompute")
    assert browser_problems.messages == []
