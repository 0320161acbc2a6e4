"""Browser tests: real headless Chromium, driven by Playwright, against pytest-django's live server.

Chromium is /usr/bin/chromium where it exists (the Debian package), or the binary named in
ROLPOOL_CHROMIUM; otherwise Playwright's own build, which `make test` installs with
`playwright install chromium`.

Static files: `live_server` below serves /static/ with Django's StaticFilesHandler, the
handler of StaticLiveServerTestCase, which reads from the staticfiles finders before any
middleware runs. So pages are styled without `collectstatic`, whatever WhiteNoise decided
at start-up about DEBUG; `test_stylesheets_load` in test_smoke.py proves it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an asyncio event loop in the test thread for as long as the
# session-scoped Playwright lives, and Django refuses ORM calls from a thread with a
# running loop (SynchronousOnlyOperation). The loop only drives the browser and never
# touches the database, so the guard protects nothing here. It must be set for the whole
# process: the loop keeps running after the last browser test until the session ends.
# (The running loop also changes where Django keeps connections; see `playwright`.)
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"

# Run as root in a container with a closed network: no sandbox (needs user namespaces), no
# GPU, /tmp instead of a small /dev/shm, and none of the background fetches that would
# otherwise keep retrying against closed connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# What "passes axe" means for Rolpool: WCAG 2.1 A and AA, the level Dutch government
# websites must meet. Do not narrow this to make a page pass; fix the page.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Fail fast: a live server on localhost answers in milliseconds.
TIMEOUT_MS = 10_000


def chromium_executable() -> str | None:
    """The Chromium binary to launch, or None for Playwright's own build."""
    configured = os.environ.get("ROLPOOL_CHROMIUM")
    if configured:
        return configured
    if os.access(SYSTEM_CHROMIUM, os.X_OK):
        return str(SYSTEM_CHROMIUM)
    return None


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, serving static files from the finders.

    pytest-django picks StaticFilesHandler only when the literal string
    "django.contrib.staticfiles" is in INSTALLED_APPS. Rolpool installs it through its own
    AppConfig (config.apps.StaticFilesConfig), so pytest-django falls back to serving
    STATIC_ROOT, which holds nothing until `collectstatic`, and every stylesheet is a 404.
    The handler is a constructor argument of the server thread, so it is set before the
    thread starts. Same name and scope as pytest-django's fixture, so its autouse helper
    (which adds the host to ALLOWED_HOSTS and requests `transactional_db`) uses this one.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = StaticFilesHandler
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    """Playwright, started once the test database exists.

    Django keeps database connections in asgiref's thread-critical Local: plain
    thread-local storage while no event loop runs in the thread, context-local storage
    while one does. Once Playwright's loop runs, `connections["default"]` is therefore a
    new wrapper, without the serialized contents that pytest-django stored on the old one
    at database setup; `committed_db` tests would then silently skip restoring the
    migration-loaded data (catalogues, groups). Carry them over to the new wrappers.
    """
    from django.db import connections

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as instance:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@dataclass
class BrowserProblems:
    """What went wrong in the page while a test ran, besides what the test asserts."""

    messages: list[str] = field(default_factory=list)

    @staticmethod
    def is_favicon(url: str) -> bool:
        # Chromium asks for /favicon.ico on its own; Rolpool has none, and a missing
        # favicon is not a problem of the page under test.
        return urlsplit(url).path == "/favicon.ico"

    # htmx logs every request that did not complete as an error: htmx:afterRequest, and
    # then why. An abort (the browser leaving the page while a request ran) is no problem;
    # a failure logs htmx:sendError or htmx:timeout too, and those still count.
    HTMX_ABORT_LOGS = ("htmx:afterRequest", "htmx:sendAbort")

    def record_console(self, message: ConsoleMessage) -> None:
        # CSP violations, invalid CSP and uncaught script errors all show up here.
        if (
            message.type == "error"
            and not self.is_favicon(message.location.get("url", ""))
            and not message.text.startswith(self.HTMX_ABORT_LOGS)
        ):
            self.messages.append(f"console error: {message.text}")

    def record_response(self, response: Response) -> None:
        if response.status >= 400 and not self.is_favicon(response.url):
            self.messages.append(f"HTTP {response.status} for {response.url}")


@pytest.fixture
def browser_problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def page(
    browser: Browser, live_server: Any, committed_db: None, browser_problems: BrowserProblems
) -> Iterator[Page]:
    """A fresh page in its own browser context (no cookies shared between tests), in Dutch.

    The live server runs in another thread with its own database connection, so the test's
    data must be committed: hence `committed_db` (transactional, and restoring the
    migration-loaded catalogues afterwards), not `db`.
    """
    context = browser.new_context(locale="nl-NL", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", browser_problems.record_console)
    page.on("pageerror", lambda error: browser_problems.messages.append(f"page error: {error}"))
    page.on("response", browser_problems.record_response)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} is missing; run `npm ci` (or `make setup`).")
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def axe(page: Page, axe_source: str):
    """axe(page) runs axe-core on the page as it is now and returns the violations."""

    def run(target: Page | None = None) -> list[dict[str, Any]]:
        return axe_violations(target or page, axe_source)

    return run


def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.1 A/AA rules on the current document; return its violations.

    Rolpool's Content-Security-Policy allows only scripts from 'self' and with a nonce, so
    `page.add_script_tag()` (an inline <script> without nonce) is refused by the browser.
    Source evaluated through the DevTools protocol (`page.evaluate`) is not subject to the
    page's CSP, so axe is evaluated that way. A context with `bypass_csp=True` would work
    too, but would switch the CSP off for the whole test and hide real violations of it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
            });
            return results.violations;
        }""",
        WCAG_TAGS,
    )


def format_violations(violations: list[dict[str, Any]], max_targets: int = 3) -> str:
    lines = []
    for violation in violations:
        targets = [
            " ".join(str(part) for part in node["target"])
            for node in violation["nodes"][:max_targets]
        ]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    at {', '.join(targets)}" + (f" and {more} more" if more > 0 else "")
        )
    return "\n".join(lines)


def assert_no_axe_violations(violations: list[dict[str, Any]], where: str = "") -> None:
    if violations:
        heading = f"axe-core found {len(violations)} violation(s)" + (
            f" on {where}" if where else ""
        )
        pytest.fail(f"{heading}:\n{format_violations(violations)}", pytrace=False)
