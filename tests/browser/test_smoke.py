"""Smoke test in a real browser: each group logs in as a person would and lands on its page.

Every page we render passes axe-core's WCAG 2.1 A/AA rules. The Django admin is not ours,
so it is visited but not checked.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from pool import access
from tests.browser.conftest import BrowserProblems, assert_no_axe_violations
from tests.factories import (
    AvailabilityFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleExperienceFactory,
    RoleRequestFactory,
    UserFactory,
)

PASSWORD = "geheim-wachtwoord"  # what UserFactory sets


def make_hr_advisor() -> User:
    user = UserFactory(groups=[access.HR_ADVISOR])
    organisation = OrganisationFactory()
    organisation.hr_advisors.add(user)
    for opgave in OpgaveFactory.create_batch(2, organisation=organisation):
        RoleRequestFactory.create_batch(2, opgave=opgave)
    return user


def make_manager() -> User:
    user = UserFactory(groups=[access.MANAGER])
    for opgave in OpgaveFactory.create_batch(2, owner=user):
        RoleRequestFactory(opgave=opgave)
    return user


def make_member() -> User:
    user = UserFactory(groups=[access.MEMBER])
    member = MemberFactory(user=user)
    MemberCompetencyFactory.create_batch(3, member=member)
    RoleExperienceFactory(member=member)
    AvailabilityFactory(member=member)
    LearningGoalFactory(member=member)
    return user


def make_administrator() -> User:
    return UserFactory(groups=[access.ADMINISTRATOR], is_staff=True)


def log_in(page: Page, user: User) -> None:
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def assert_no_problems(problems: BrowserProblems) -> None:
    assert problems.messages == [], "\n".join(problems.messages)


@pytest.mark.parametrize(
    ("make_user", "landing_path", "heading", "ours"),
    [
        (make_hr_advisor, "/bezetting/", "Bezetting: open rolvragen", True),
        (make_manager, "/opgaven/", "Opgaven", True),
        (make_member, "/mijn-profiel/", "Mijn profiel", True),
        (make_administrator, "/beheer/", None, False),
    ],
    ids=["hr-advisor", "manager", "member", "administrator"],
)
def test_log_in_and_land_on_own_page(
    page: Page, axe, browser_problems, make_user, landing_path, heading, ours
):
    user = make_user()

    page.goto("/inloggen/")
    expect(page).to_have_title(re.compile("^Inloggen"))
    assert_no_axe_violations(axe(), "the login page")

    log_in(page, user)

    expect(page).to_have_url(re.compile(f"{re.escape(landing_path)}$"))
    if ours:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_no_axe_violations(axe(), landing_path)
    assert_no_problems(browser_problems)


def test_wrong_password_is_refused_accessibly(page: Page, axe, browser_problems):
    user = UserFactory(groups=[access.MEMBER])

    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile("/inloggen/$"))
    assert_no_axe_violations(axe(), "the login page with an error")
    # The form answers 200 with the error, so nothing else may have gone wrong.
    assert_no_problems(browser_problems)


def test_stylesheets_load(page: Page, browser_problems):
    """The live server serves our CSS and the NL Design System's, so the page is styled."""
    page.goto("/inloggen/")
    rule_counts = page.evaluate(
        """() => Array.from(document.styleSheets, (sheet) => [sheet.href, sheet.cssRules.length])"""
    )
    assert len(rule_counts) == 3, rule_counts
    assert all(count > 0 for _, count in rule_counts), rule_counts
    # The Utrecht theme is applied: the primary button is not the browser's grey default.
    button = page.get_by_role("button", name="Inloggen")
    background = button.evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert background not in ("rgb(239, 239, 239)", "rgb(240, 240, 240)", "rgba(0, 0, 0, 0)")
    assert_no_problems(browser_problems)


def test_skip_link_is_first_focusable(page: Page):
    # On a page without autofocus: Django's login form puts the focus in the username
    # field on load, so Tab there moves on to the password.
    page.goto("/inloggen/")
    log_in(page, make_member())
    expect(page).to_have_url(re.compile("/mijn-profiel/$"))

    skip_link = page.get_by_role("link", name="Naar de inhoud")
    expect(skip_link).not_to_be_in_viewport()  # out of sight until it has the focus

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Naar de inhoud")
    expect(focused).to_have_attribute("href", "#inhoud")
    expect(focused).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#inhoud")).to_be_focused()


def test_language_switch_to_english(page: Page, axe):
    page.goto("/inloggen/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile("/inloggen/$"))
    expect(page.get_by_role("button", name="Nederlands")).to_be_visible()
    assert_no_axe_violations(axe(), "the English login page")
