"""In Chromium: a member chooses which notifications come by e-mail, and in which language."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from notifications.models import NotificationPreference
from pool import access
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_smoke import assert_no_problems, log_in
from tests.factories import MemberFactory, UserFactory


def test_member_chooses_email_per_kind_and_language(page: Page, axe, browser_problems):
    member = MemberFactory(user=UserFactory(groups=[access.MEMBER])).user
    page.goto("/inloggen/")
    log_in(page, member)
    page.get_by_role("link", name="Meldingen").click()
    page.get_by_role("link", name="E-mail over meldingen instellen").click()
    kinds = page.get_by_role("group", name="Ook per e-mail ontvangen")
    expect(kinds.get_by_role("checkbox")).to_have_count(3)
    assert_no_axe_violations(axe(), "the notification preferences")
    kinds.get_by_role("checkbox", name="Je bent voorgesteld voor inzet op een rol").uncheck()
    page.get_by_label("Taal van e-mails").select_option("en")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Je voorkeur voor meldingen is opgeslagen")).to_be_visible()
    expect(kinds.get_by_role("checkbox", name="Inzet is bevestigd")).to_be_checked()
    expect(
        kinds.get_by_role("checkbox", name="Je bent voorgesteld voor inzet op een rol")
    ).not_to_be_checked()
    preference = NotificationPreference.objects.get(user=member)
    assert (preference.language, preference.email_proposed) == ("en", False)
    assert_no_axe_violations(axe(), "the notification preferences after saving")
    assert_no_problems(browser_problems)
