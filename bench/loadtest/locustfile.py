"""Load test: people browse Rolpool as medewerker, opdrachtgever and HR-adviseur.

Run by bench/loadtest/run.sh, which builds the data set, creates the accounts
(`manage.py loadtest_accounts`), starts gunicorn and prints the summary. Each simulated
person logs in through /inloggen/ as one of the `lt-<group>-<n>` accounts (password in
ROLPOOL_LOADTEST_PASSWORD), then opens the pages of their group, reading each for a few
seconds. Every page brings the unread count of its navigation (a browser asks for it
apart only after marking notifications read, which these people do not). Every request
must answer 200 (302 for the login); anything else, a redirect to the login page
included, counts as an error.

At the end the summary is written as one JSON line to ROLPOOL_LOADTEST_SUMMARY: requests
per second, p50/p95/p99 and errors per page of the browsing (the requests sent once every
person has been started, logins left out), and apart from it the same of the logins.
Run with `--reset-stats`, Locust's own figures and CSV files cover the browsing as well.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from collections import defaultdict
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

from locust import FastHttpUser, between, events, task
from locust.exception import StopUser
from locust.stats import RequestStats, StatsEntry

PASSWORD = os.environ.get("ROLPOOL_LOADTEST_PASSWORD", "")
ACCOUNTS = int(os.environ.get("ROLPOOL_LOADTEST_ACCOUNTS", "200"))
# Seconds a person reads a page before the next click.
THINK_MIN, THINK_MAX = (
    float(part) for part in os.environ.get("ROLPOOL_LOADTEST_THINK", "5,15").split(",")
)
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
OPGAVE_LINK = re.compile(rf'href="/opgaven/({UUID})/"')
# The board's rows link to the board with the request beside it (?rolvraag=), and load
# the request's panel with htmx from hx-get: these people open the panel's address.
REQUEST_LINK = re.compile(rf'hx-get="/bezetting/rolvragen/({UUID})/"')
SEARCHES = ("Warmtetransitie", "jeugdzorg", "Omgevingsvisie", "wonen", "Utrecht", "digitaal")
LOGIN = "inloggen"
LOGIN_FORM = "inloggen (formulier)"

_accounts = defaultdict(itertools.count)
# Counted as Locust counts the run: the logins, and the browsing after the last start.
_logins = RequestStats()
_browsing = RequestStats()
_spawned = {"all": False}


class Person(FastHttpUser):
    """Logs in once, then browses; subclasses name the group's pages as tasks."""

    abstract = True
    wait_time = between(THINK_MIN, THINK_MAX)
    prefix: str
    # The links (uuids) to the objects this person opens, as read from their lists.
    link: re.Pattern | None = None
    seen: list[str]

    def on_start(self) -> None:
        if not PASSWORD:
            raise StopUser("Set ROLPOOL_LOADTEST_PASSWORD.")
        # Production cookies are Secure, and this test speaks plain HTTP to 127.0.0.1
        # (where a TLS proxy would stand in production): send them over http as well.
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )
        username = f"{self.prefix}-{next(_accounts[self.prefix]) % ACCOUNTS + 1}"
        form = self.client.get("/inloggen/", name=LOGIN_FORM)
        token = CSRF_TOKEN.search(form.text or "")
        with self.client.post(
            "/inloggen/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]}
            if token
            else {},
            name=LOGIN,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {username} answered {response.status_code}")
                raise StopUser()
        self.seen = []

    def page(self, url: str, name: str, *, htmx_target: str | None = None) -> str:
        """GET one page (or, with an HTMX target, one fragment); returns its HTML."""
        headers = {"HX-Request": "true", "HX-Target": htmx_target} if htmx_target else {}
        with self.client.get(
            url, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {response.status_code}")
                return ""
            return response.text or ""

    def remember(self, html: str) -> None:
        self.seen = self.link.findall(html) or self.seen


class Medewerker(Person):
    weight = 3
    prefix = "lt-medewerker"

    @task(3)
    def profile(self) -> None:
        self.page("/mijn-profiel/", "medewerker: mijn profiel")

    @task(2)
    def proposals(self) -> None:
        self.page("/mijn/voorstellen/", "medewerker: voorstellen")

    @task(2)
    def assignments(self) -> None:
        self.page("/mijn/inzet/", "medewerker: mijn inzet")

    @task(3)
    def opportunities(self) -> None:
        self.page("/mijn/kansen/", "medewerker: kansen")

    @task(1)
    def notifications(self) -> None:
        self.page("/meldingen/", "medewerker: meldingen")


class Opdrachtgever(Person):
    weight = 1
    prefix = "lt-opdrachtgever"
    link = OPGAVE_LINK

    def on_start(self) -> None:
        super().on_start()
        self.opgave_list()

    @task(3)
    def opgave_list(self) -> None:
        self.remember(self.page("/opgaven/", "opdrachtgever: mijn opgaven"))

    @task(2)
    def opgave_list_filtered(self) -> None:
        if random.random() < 0.5:
            query, name = "status=open", "opdrachtgever: mijn opgaven (filter)"
        else:
            query, name = f"zoek={random.choice(SEARCHES)}", "opdrachtgever: mijn opgaven (zoek)"
        self.remember(self.page(f"/opgaven/?{query}", name))

    @task(4)
    def opgave(self) -> None:
        if self.seen:
            self.page(f"/opgaven/{random.choice(self.seen)}/", "opdrachtgever: opgave")

    @task(1)
    def history(self) -> None:
        if self.seen:
            uuid = random.choice(self.seen)
            self.page(f"/opgaven/{uuid}/geschiedenis/", "opdrachtgever: geschiedenis")


class HrAdviseur(Person):
    weight = 1
    prefix = "lt-hr"
    link = REQUEST_LINK

    def on_start(self) -> None:
        super().on_start()
        self.board()

    @task(3)
    def board(self) -> None:
        self.remember(self.page("/bezetting/", "hr: bezetting"))

    @task(1)
    def board_filtered(self) -> None:
        query = random.choice(("urgentie=8&sorteer=start", "urgentie=4", "drempel=60"))
        self.remember(self.page(f"/bezetting/?{query}", "hr: bezetting (filter)"))

    @task(1)
    def board_search(self) -> None:
        query = f"zoek={random.choice(SEARCHES)}"
        self.remember(self.page(f"/bezetting/?{query}", "hr: bezetting (zoek)"))

    @task(2)
    def request_detail(self) -> None:
        if self.seen:
            uuid = random.choice(self.seen)
            self.page(f"/bezetting/rolvragen/{uuid}/", "hr: rolvraag met kandidaten")

    @task(3)
    def request_panel(self) -> None:
        if self.seen:
            self.page(
                f"/bezetting/rolvragen/{random.choice(self.seen)}/",
                "hr: rolvraag-paneel (HTMX)",
                htmx_target="request-panel",
            )

    @task(1)
    def capacity(self) -> None:
        self.page("/bezetting/capaciteit/", "hr: capaciteit")

    @task(1)
    def shortages(self) -> None:
        self.page("/bezetting/tekorten/", "hr: tekorten")


@events.spawning_complete.add_listener
def _all_spawned(user_count, **kwargs) -> None:
    _browsing.reset_all()
    _spawned["all"] = True


@events.request.add_listener
def _count_apart(request_type, name, response_time, response_length, exception, **kwargs):
    if name in (LOGIN, LOGIN_FORM):
        stats = _logins
    elif _spawned["all"]:
        stats = _browsing
    else:
        return
    stats.log_request(request_type, name, response_time, response_length)
    if exception is not None:
        stats.log_error(request_type, name, exception)


@events.quitting.add_listener
def _summary(environment, **kwargs) -> None:
    path = os.environ.get("ROLPOOL_LOADTEST_SUMMARY")
    if not path:
        return
    summary = {
        "users": environment.runner.target_user_count,
        "think_s": [THINK_MIN, THINK_MAX],
        **_figures(_browsing),
        "logins": _figures(_logins),
    }
    Path(path).write_text(json.dumps(summary, ensure_ascii=False) + "\n", encoding="utf-8")


def _figures(stats: RequestStats) -> dict:
    def entry_figures(entry: StatsEntry) -> dict:
        return {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            **{
                f"p{round(share * 100)}_ms": entry.get_response_time_percentile(share)
                for share in (0.5, 0.95, 0.99)
            },
        }

    total = stats.total
    return {
        "seconds": round(total.last_request_timestamp - total.start_time, 1)
        if total.last_request_timestamp
        else 0,
        "rps": round(total.total_rps, 1),
        **entry_figures(total),
        "pages": {
            entry.name: entry_figures(entry)
            for entry in sorted(stats.entries.values(), key=lambda entry: entry.name)
        },
    }
