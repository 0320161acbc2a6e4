"""In Chromium: a functional administrator changes the matching weights (first a refused
value, then a good one) and watches a real worker recompute every match; an HR advisor
reads the weights. axe on every state."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from assignments.matching.core import Weights
from assignments.models import Match, MatchingWeights
from pool import access
from tests.assignments.matching.test_worker import request_and_weak_member
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_smoke import assert_no_problems, log_in
from tests.factories import UserFactory


def test_administrator_changes_the_weights_and_the_matches_follow(
    page: Page, axe, browser_problems, celery_worker_process
):
    request, member, _competency = request_and_weak_member()
    administrator = UserFactory(groups=[access.ADMINISTRATOR])
    page.goto("/inloggen/")
    log_in(page, administrator)
    page.goto("/matchgewichten/")
    expect(
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Matchgewichten")
    ).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Matchgewichten")
    expect(page.get_by_role("group", name="Onderdelen van de matchscore")).to_be_visible()
    assert_no_axe_violations(axe(), "the weights form")

    competency = page.get_by_label("Competenties", exact=True)
    competency.fill("-5")
    page.get_by_role("button", name="Gewichten opslaan").click()
    expect(page.get_by_text("Een gewicht kan niet negatief zijn.")).to_be_visible()
    expect(competency).to_have_attribute("aria-invalid", "true")
    expect(competency).to_have_accessible_description(
        "Hoe goed de niveaus van de medewerker de gevraagde minimumniveaus halen; een niveau "
        "onder het minimum telt naar verhouding mee. Standaard: 50. "
        "Een gewicht kan niet negatief zijn."
    )
    assert_no_axe_violations(axe(), "the refused weights")
    assert not MatchingWeights.objects.exists()

    # Only competencies count: the member's level 1 of the minimum 4 scores 25.
    for name, value in [
        ("Competenties", "1"),
        ("Rolervaring", "0"),
        ("Voorkeur voor de rol", "0"),
        ("Beschikbaarheid", "0"),
    ]:
        page.get_by_label(name, exact=True).fill(value)
    page.get_by_role("button", name="Gewichten opslaan").click()
    expect(page.get_by_text("De gewichten zijn opgeslagen.")).to_be_visible()
    # The status polls until the worker's rebuild is done.
    expect(
        page.get_by_text("Alle matches zijn opnieuw berekend met deze gewichten.")
    ).to_be_visible(timeout=60_000)
    assert_no_axe_violations(axe(), "the saved weights")
    assert round(Match.objects.get(role_request=request, member=member).score) == 25

    page.get_by_role("button", name="Standaardwaarden herstellen").click()
    expect(page.get_by_label("Competenties", exact=True)).to_have_value("50")
    assert Weights.from_dict(MatchingWeights.objects.get().values) == Weights()
    assert_no_problems(browser_problems)


def test_hr_advisor_reads_the_weights(page: Page, axe, browser_problems):
    advisor = UserFactory(groups=[access.HR_ADVISOR])
    page.goto("/inloggen/")
    log_in(page, advisor)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Matchgewichten"
    ).click()
    table = page.get_by_role("table", name="De gewichten die nu gelden")
    expect(table.get_by_role("row", name="Competenties 50")).to_be_visible()
    expect(page.get_by_role("button", name="Gewichten opslaan")).to_have_count(0)
    assert_no_axe_violations(axe(), "the weights, read-only")
    assert_no_problems(browser_problems)
