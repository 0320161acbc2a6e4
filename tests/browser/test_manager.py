"""End to end in Chromium: a manager creates an opgave, asks for the five core roles and
opens it, as a person would; axe-core checks every page and state on the way."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from assignments.models import Opgave, OpgaveLogEntry, RoleRequest
from pool import access
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_smoke import assert_no_problems, log_in
from tests.factories import (
    TODAY,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestFactory,
    UserFactory,
)

CORE_ROLES = ["Regie", "Begroting", "Politieke afstemming", "Vakinhoud", "Netwerk"]


def test_manager_creates_an_opgave_with_the_five_core_roles_and_opens_it(
    page: Page, axe, browser_problems
):
    manager = UserFactory(groups=[access.MANAGER], first_name="Fatima", last_name="El Amrani")
    OrganisationFactory(name="Gemeente Bergdorp")
    OrganisationFactory(name="Gemeente Zeestad")
    start, end = TODAY + timedelta(weeks=4), TODAY + timedelta(weeks=40)

    page.goto("/inloggen/")
    log_in(page, manager)
    expect(page).to_have_url(re.compile("/opgaven/$"))
    assert_no_axe_violations(axe(), "the empty opgave list")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Nieuwe opgave"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe opgave")
    expect(page.get_by_text("Beantwoord beide vragen")).to_be_visible()
    assert_no_axe_violations(axe(), "the new opgave form")

    page.get_by_label("Titel").fill("Warmtenet Zeestad-Noord")
    page.get_by_label("Omschrijving").fill("Een warmtenet voor drie wijken, met de bewoners.")
    page.get_by_label("Organisatie").select_option(label="Gemeente Zeestad")
    page.get_by_label("Van").fill(start.isoformat())
    page.get_by_label("Tot en met").fill(end.isoformat())
    page.get_by_label("voorspelbaar: bekend werk, vaste aanpak").check()
    page.get_by_label("eenvoudig: één vakgebied, weinig partijen").check()
    expect(page.get_by_text("standaardwerk — lijnorganisatie")).to_be_visible()
    page.get_by_label("complex: meerdere vakgebieden en partijen").check()
    expect(page.get_by_text("maatwerk — inzet vanuit de pool")).to_be_visible()
    assert_no_axe_violations(axe(), "the new opgave form with advice")
    page.get_by_role("button", name="Opslaan als concept").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Warmtenet Zeestad-Noord")
    expect(page.get_by_text("opgeslagen als concept")).to_be_visible()
    expect(page.get_by_text("Status: concept")).to_be_visible()
    team = page.locator("#team-check")
    expect(team.get_by_text("niet aangevraagd")).to_have_count(5)
    expect(team.get_by_text("geen rolvraag voor regie")).to_be_visible()
    assert_no_axe_violations(axe(), "the new concept opgave")

    page.get_by_role("button", name="Vraag de vijf kernrollen aan").click()
    expect(page.get_by_text("5 kernrollen aangevraagd")).to_be_visible()
    requests = page.locator("#role-requests")
    for role in CORE_ROLES:
        expect(requests.get_by_role("heading", name=role, exact=True)).to_be_visible()
    expect(team.get_by_text("aangevraagd, nog niemand bevestigd")).to_have_count(5)
    expect(team.get_by_text("geen rolvraag voor regie")).to_have_count(0)
    expect(page.locator("#history").get_by_text("Rolvraag toegevoegd: Netwerk")).to_be_visible()
    assert_no_axe_violations(axe(), "the opgave with five role requests")

    # Ask for more hours for the subject matter, inline.
    card = requests.get_by_role("article", name="Vakinhoud")
    card.get_by_role("link", name="Wijzigen").click()
    form = page.get_by_role("form", name="Rolvraag Vakinhoud wijzigen")
    expect(form).to_be_visible()
    assert_no_axe_violations(axe(), "the role request edit form")
    form.get_by_label("Uren per week").fill("16")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Rolvraag Vakinhoud opgeslagen.")).to_be_visible()
    expect(requests.get_by_role("article", name="Vakinhoud")).to_contain_text("16")

    page.get_by_role("button", name="Opgave openen").click()
    expect(page.get_by_text("Status: open")).to_be_visible()
    expect(page.get_by_text("De opgave is open")).to_be_visible()
    assert_no_axe_violations(axe(), "the open opgave")

    opgave = Opgave.objects.get(title="Warmtenet Zeestad-Noord")
    assert (opgave.owner, opgave.status) == (manager, Opgave.Status.OPEN)
    assert sorted(
        RoleRequest.objects.filter(opgave=opgave).values_list("role__name_nl", flat=True)
    ) == sorted(CORE_ROLES)

    OpgaveFactory(owner=manager, title="Jeugdhulp Bergdorp")
    page.get_by_role("link", name="Mijn opgaven").click()
    expect(page.get_by_role("link", name="Jeugdhulp Bergdorp")).to_be_visible()
    page.get_by_role("searchbox", name="Zoeken").fill("warmtenet")  # filters as you type
    expect(page.get_by_role("link", name="Jeugdhulp Bergdorp")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/opgaven/\?.*zoek=warmtenet"))
    expect(page.get_by_role("link", name="Warmtenet Zeestad-Noord")).to_be_visible()
    assert_no_axe_violations(axe(), "the opgave list")
    assert_no_problems(browser_problems)


def test_manager_copies_an_opgave_and_completes_the_original(page: Page, axe, browser_problems):
    manager = UserFactory(groups=[access.MANAGER])
    opgave = OpgaveFactory(owner=manager, title="Opvang Oekraïners", status=Opgave.Status.OPEN)
    RoleRequestFactory(opgave=opgave)
    for _ in range(12):  # more history than the opgave page shows
        OpgaveLogEntry.objects.create(opgave=opgave, actor=manager, action="updated")

    page.goto("/inloggen/")
    log_in(page, manager)
    page.get_by_role("link", name="Opvang Oekraïners").click()
    page.get_by_role("link", name="Alle wijzigingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geschiedenis van Opvang Oekraïners")
    assert_no_axe_violations(axe(), "the history page")
    page.get_by_role("link", name="Terug naar Opvang Oekraïners").click()

    page.get_by_role("link", name="Kopiëren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opgave kopiëren")
    assert_no_axe_violations(axe(), "the copy page")
    page.get_by_role("button", name="Kopie maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kopie van Opvang Oekraïners")
    expect(page.get_by_text("Status: concept")).to_be_visible()
    page.get_by_role("link", name="Terug naar de opgaven").click()

    page.get_by_role("link", name="Opvang Oekraïners", exact=True).click()
    page.get_by_role("link", name="Afronden").click()
    page.get_by_role("button", name="Opgave afronden").click()
    expect(page.get_by_text("Dit veld is vereist.")).to_be_visible()
    assert_no_axe_violations(axe(), "the complete page with an error")
    page.get_by_label("Reden").fill("De opvang loopt nu via de regio.")
    page.get_by_role("button", name="Opgave afronden").click()
    expect(page.get_by_text("Status: afgerond")).to_be_visible()
    expect(page.get_by_text("Reden: De opvang loopt nu via de regio.")).to_be_visible()
    assert_no_axe_violations(axe(), "the completed opgave")
    assert_no_problems(browser_problems)
