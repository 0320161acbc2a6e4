"""In Chromium: a functional administrator imports members, first a file with a bad row
(nothing saved, the row named), then a good one (check, confirm); axe on every state."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from pool import access
from pool.models import Member
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_smoke import assert_no_problems, log_in
from tests.factories import OrganisationFactory, UserFactory

HEADER = "personeelsnummer;voornaam;achternaam;email;organisatie;afdeling;contracturen;pooluren\n"


def upload(page: Page, name: str, text: str) -> None:
    page.get_by_label("Medewerkers", exact=True).set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Controleren").click()


def test_administrator_imports_members(page: Page, axe, browser_problems):
    administrator = UserFactory(groups=[access.ADMINISTRATOR])
    OrganisationFactory(cbs_code="GM9344")
    page.goto("/inloggen/")
    log_in(page, administrator)
    page.goto("/pool/importeren/")  # administrators land on the admin
    expect(
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
            "link", name="Import en export"
        )
    ).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Medewerkers importeren en exporteren"
    )
    assert_no_axe_violations(axe(), "the import page")

    upload(page, "fout.csv", HEADER + "1001;Anna;de Vries;;GM9344;;36;40\n")
    expect(page.get_by_text("Niet geïmporteerd: 1 fout gevonden")).to_be_visible()
    expect(page.get_by_role("cell", name="Dat is meer dan de contracturen.")).to_be_visible()
    assert_no_axe_violations(axe(), "the errors")
    assert not Member.objects.exists()

    upload(page, "goed.csv", HEADER + "1001;Anna;de Vries;;GM9344;;36;16\n")
    expect(page.get_by_text("Gecontroleerd: alle rijen zijn in orde")).to_be_visible()
    expect(page.get_by_text("Medewerkers: 1 nieuw, 0 gewijzigd, 0 ongewijzigd")).to_be_visible()
    assert_no_axe_violations(axe(), "the check")
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("Geïmporteerd. Medewerkers: 1 nieuw")).to_be_visible()
    assert_no_axe_violations(axe(), "the outcome")
    assert Member.objects.get().first_name == "Anna"
    assert_no_problems(browser_problems)
