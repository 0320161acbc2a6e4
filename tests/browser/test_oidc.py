"""Single sign-on in Chromium: the login page's button, the provider, and back into Rolpool.

The provider (tests/oidc_provider.py) runs in a thread of this process, on another origin.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_smoke import assert_no_problems
from tests.oidc_provider import Provider, oidc_settings, person

BUTTON = "Inloggen met je organisatieaccount"


@pytest.fixture
def op(settings):
    with Provider() as provider:
        oidc_settings(settings, discovery_url=provider.discovery_url)
        yield provider


def test_log_in_with_the_organisation_account(page: Page, axe, browser_problems, op):
    op.claims = person("rolpool-hr")
    page.goto("/inloggen/")
    assert_no_axe_violations(axe(), "the login page with single sign-on")
    page.get_by_role("link", name=BUTTON).click()

    expect(page).to_have_url(re.compile("/bezetting/$"))
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert_no_problems(browser_problems)


def test_someone_without_a_rolpool_group_is_refused_accessibly(
    page: Page, axe, browser_problems, op
):
    op.claims = person("alle-medewerkers")
    page.goto("/inloggen/")
    page.get_by_role("link", name=BUTTON).click()

    expect(page).to_have_url(re.compile("/inloggen/$"))
    expect(page.get_by_text("Inloggen met je organisatieaccount is niet gelukt")).to_be_visible()
    assert_no_axe_violations(axe(), "the login page after a refused single sign-on")
    assert_no_problems(browser_problems)


def test_logging_out_ends_the_session_at_the_provider_too(page: Page, browser_problems, op):
    """Through the provider's end-session endpoint and back to the login page: the logout
    form's redirect to another site is one the page's Content-Security-Policy allows."""
    op.claims = person("rolpool-hr")
    page.goto("/inloggen/")
    page.get_by_role("link", name=BUTTON).click()
    page.get_by_role("button", name="Uitloggen").click()

    expect(page).to_have_url(re.compile("/inloggen/$"))
    expect(page.get_by_role("link", name=BUTTON)).to_be_visible()
    assert [claims["sub"] for claims in op.ended] == ["a1b2c3"]
    assert_no_problems(browser_problems)
