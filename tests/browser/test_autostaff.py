"""In Chromium: HR runs auto-staffing on the demo data through a real worker, compares it
with first-best, takes over two proposals, and finds them on the role request pages."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from assignments.demo import DEMO_PASSWORD, demo_seed
from assignments.models import Assignment, AutostaffRun
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_smoke import assert_no_problems
from tests.factories import TODAY


def number(text: str) -> float:
    """A number written the Dutch way: 8.412,5."""
    return float(text.replace(".", "").replace(",", "."))


def test_hr_runs_auto_staffing_and_takes_over_two(
    page: Page, axe, browser_problems, celery_worker_process
):
    demo_seed(members=60, opgaven=8, seed=5, today=TODAY)
    proposed_before = Assignment.objects.filter(state=Assignment.State.PROPOSED).count()

    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("hr")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto("/bezetting/")
    page.get_by_role("link", name="Automatisch bezetten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Automatisch bezetten")
    expect(page.get_by_text("In deze selectie:")).to_be_visible()
    assert_no_axe_violations(axe(), "the auto-staffing selection page")

    page.get_by_role("button", name="Bezetting berekenen").click()
    # The page polls the run until the worker is done, then shows the comparison.
    total = page.get_by_text(re.compile("Totale score optimaal:"))
    expect(total).to_be_visible(timeout=60_000)
    optimal, greedy = re.search(
        r"optimaal: ([\d.,]+) — eerst-beste: ([\d.,]+)", total.inner_text()
    ).groups()
    assert number(optimal) >= number(greedy) > 0
    assert_no_axe_violations(axe(), "the auto-staffing result")

    boxes = page.get_by_role("checkbox")
    assert boxes.count() >= 2
    for index in range(boxes.count()):
        if index >= 2:
            boxes.nth(index).uncheck()
    page.get_by_role("button", name="Aangevinkte voorstellen overnemen").click()
    expect(page.get_by_text("2 voorstellen zijn klaargezet")).to_be_visible()
    expect(page.get_by_role("cell", name="voorgesteld", exact=True)).to_have_count(2)
    assert_no_axe_violations(axe(), "the applied auto-staffing run")

    run = AutostaffRun.objects.get()
    taken = [run.result["proposals"][o["index"]] for o in run.outcome if o["ok"]]
    assert len(taken) == 2
    assert Assignment.objects.filter(state=Assignment.State.PROPOSED).count() == proposed_before + 2
    first = Assignment.objects.select_related("member", "role_request").get(
        role_request_id=taken[0]["role_request"],
        member_id=taken[0]["member"],
        state=Assignment.State.PROPOSED,
    )
    page.goto(f"/bezetting/rolvragen/{first.role_request.uuid}/")
    expect(page.get_by_text(f"{first.member.full_name} – voorgesteld")).to_be_visible()
    assert_no_problems(browser_problems)
