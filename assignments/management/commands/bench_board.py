"""Benchmark the HR staffing and pool-overview pages through Django's stack; prints JSON
as its last line.

Each page is requested through the test Client, logged in as the demo HR advisor (who
serves every municipality of the data set), so the figures include middleware, the
session, the queries and the templates, but no network or web server. `/health` is the
framework's floor: what any request costs before a page does its own work.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from assignments.management.bench import BenchCommand, percentile
from assignments.matching import services
from assignments.matching.adapter import open_role_requests


class Page(NamedTuple):
    name: str
    url: str
    # The DOM id an HTMX request targets, for fragments; None for a whole page.
    htmx_target: str | None = None


def pages(*, today) -> list[Page]:
    """The pages to time. Add a page here to have it measured."""
    busiest = (
        open_role_requests(today=today)
        .annotate(candidates=Count("matches", filter=Q(matches__in_request_top=True)))
        .select_related("opgave")
        .order_by("-candidates", "pk")
        .first()
    )
    if busiest is None:
        raise CommandError("No open role requests to show.")
    board = reverse("assignments:board")
    detail = reverse("hr:role_request", args=[busiest.uuid])
    filtered = {"organisatie": busiest.opgave.organisation_id, "urgentie": 8, "sorteer": "start"}
    return [
        Page("health", reverse("health")),
        Page("board", board),
        Page("board_filtered", f"{board}?{urlencode(filtered)}"),
        Page("board_search", f"{board}?{urlencode({'zoek': 'Benchmarkopgave 1'})}"),
        Page("board_results", f"{board}?{urlencode({'drempel': 60})}", "board-results"),
        Page("request_detail", detail),
        Page("request_panel", detail, "request-panel"),
        Page(
            "candidates_search",
            f"{detail}?{urlencode({'zoek': 'samenwerkn'})}",
            "candidate-results",
        ),
        Page("capacity", reverse("hr:capacity")),
        Page("shortages", reverse("hr:shortages")),
    ]


class Command(BenchCommand):
    help = "Build (or reuse) a benchmark pool and time the HR board, request and overview pages."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--repeat", type=int, default=30, help="Timed requests per page.")

    def handle(self, *, members, requests, competencies, seed, repeat, **options):
        today = self.dataset_ready(
            members=members, requests=requests, competencies=competencies, seed=seed
        )
        started = time.perf_counter()
        stored = services.matches_rebuild(today=today)
        self.stdout.write(
            f"computed {stored} stored matches in {time.perf_counter() - started:.1f}s"
        )
        with connection.cursor() as cursor:
            # Fresh tables have no statistics yet; a running database would have them.
            cursor.execute("ANALYZE")
        client = Client(HTTP_HOST=_host())
        client.force_login(User.objects.get(username="hr"))
        figures: dict[str, float] = {}
        for page in pages(today=today):
            timings = self.time_page(client, page, repeat)
            figures[f"{page.name}_p50_ms"] = round(statistics.median(timings), 1)
            figures[f"{page.name}_p95_ms"] = round(percentile(timings, 0.95), 1)
        self.stdout.write(json.dumps(figures))

    def time_page(self, client: Client, page: Page, repeat: int) -> list[float]:
        headers = {"HX-Request": "true", "HX-Target": page.htmx_target} if page.htmx_target else {}
        timings = []
        for round_ in range(repeat + 1):  # the first request warms caches and is not counted
            started = time.perf_counter()
            response = client.get(page.url, headers=headers, secure=True)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"{page.name}: {page.url} answered {response.status_code}")
            if round_:
                timings.append(elapsed)
        return timings


def _host() -> str:
    """A host name the settings accept, so requests are not refused as a bad Host."""
    named = [host for host in settings.ALLOWED_HOSTS if host != "*" and not host.startswith(".")]
    return named[0] if named else "localhost"
