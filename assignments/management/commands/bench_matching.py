"""Benchmark matching end to end on a municipal-scale pool; prints JSON as its last line."""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable

from django.db import DatabaseError, connection

from assignments.management.bench import BenchCommand, percentile
from assignments.matching import services
from assignments.matching.adapter import load_problem, open_role_requests
from assignments.matching.core import top_k
from assignments.models import RoleRequestCompetency
from pool.models import Member, MemberCompetency

SAMPLES = 100
# Updates before the samples, timed apart: the first in a process reads the open requests
# (a worker keeps them), and just after the rebuild the database's caches are cold.
WARM_UP = 3


def timed(
    name: str, update: Callable[[int], Callable[[], None]], ids: list[int]
) -> dict[str, float]:
    """Time the change that `update` returns for each id (finding what to change is not
    timed); the p50 and p95 in ms of all but the first WARM_UP (fewer on a tiny data set),
    and the slowest of those."""
    warm_up = min(WARM_UP, len(ids) - 1)
    timings = []
    for id_ in ids:
        change = update(id_)
        started = time.perf_counter()
        change()
        timings.append((time.perf_counter() - started) * 1000)
    counted = timings[warm_up:]
    return {
        f"{name}_ms_p50": round(statistics.median(counted), 1),
        f"{name}_ms_p95": round(percentile(counted, 0.95), 1),
        f"{name}_ms_warm_up_max": round(max(timings[:warm_up], default=0), 1),
    }


class Command(BenchCommand):
    help = "Build (or reuse) a benchmark pool and measure matching and auto-staffing."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--scarce-members", type=int, default=3000)

    def handle(self, *, members, requests, competencies, scarce_members, seed, **options):
        today = self.dataset_ready(
            members=members, requests=requests, competencies=competencies, seed=seed
        )
        rng = random.Random(seed)
        figures = {"members": members, "requests": requests, "competencies": competencies}

        started = time.perf_counter()
        figures["stored_matches"] = services.matches_rebuild(today=today)
        rebuild = time.perf_counter() - started

        loaded = load_problem(
            requests=open_role_requests(today=today), members=Member.objects.all(), today=today
        )
        started = time.perf_counter()
        top_k(loaded.problem, per_request=services.REQUEST_TOP, per_member=services.MEMBER_TOP)
        floor = time.perf_counter() - started
        figures["full_rebuild_s"] = round(rebuild, 2)
        figures["scoring_floor_s"] = round(floor, 3)
        figures["rebuild_vs_floor"] = round(rebuild / floor, 1)

        # The rebuild replaced every stored match, and building the data set rewrote the
        # members. PostgreSQL's autovacuum (on by default; off on the development
        # machine's server) clears such dead rows within a minute: do what it would, so
        # that the updates below are measured against tables as production has them.
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM (ANALYZE) assignments_match, assignments_rolerequest, pool_member"
            )
        self.checkpoint()

        figures.update(self.member_updates(rng, today))
        figures.update(self.request_updates(rng, today))
        figures.update(self.autostaff("autostaff", Member.objects.all(), today))
        scarce = Member.objects.filter(pk__in=Member.objects.order_by("pk")[:scarce_members])
        figures.update(self.autostaff("scarce_autostaff", scarce, today))
        self.stdout.write(json.dumps(figures))

    def checkpoint(self) -> None:
        """Write the rebuild out now. Left to itself, PostgreSQL writes its hundreds of MB
        over the next minutes, and its fsyncs held the updates' commits up to a second
        each on the development machine: the figures would measure the rebuild."""
        try:
            with connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
        except DatabaseError as error:  # needs a superuser or pg_checkpoint
            self.stderr.write(f"no CHECKPOINT ({error}); the updates may meet the rebuild's")

    def member_updates(self, rng, today) -> dict[str, float]:
        def update(member_id: int) -> Callable[[], None]:
            held = MemberCompetency.objects.filter(member_id=member_id).order_by("pk").first()

            def change() -> None:
                held.level = held.level % 4 + 1
                held.save(update_fields=["level"])
                services.member_matches_recompute(member_id=member_id, today=today)

            return change

        ids = list(Member.objects.values_list("pk", flat=True))
        return timed("member_update", update, rng.sample(ids, min(WARM_UP + SAMPLES, len(ids))))

    def request_updates(self, rng, today) -> dict[str, float]:
        def update(request_id: int) -> Callable[[], None]:
            need = RoleRequestCompetency.objects.filter(role_request_id=request_id).first()

            def change() -> None:
                need.min_level = need.min_level % 4 + 1
                need.save(update_fields=["min_level"])
                services.request_matches_recompute(role_request_id=request_id, today=today)

            return change

        ids = list(open_role_requests(today=today).values_list("pk", flat=True))
        return timed("request_update", update, rng.sample(ids, min(WARM_UP + SAMPLES, len(ids))))

    def autostaff(self, prefix: str, members, today) -> dict[str, float]:
        outcome = services.autostaff_compute(
            requests=open_role_requests(today=today), members=members, today=today
        )
        optimal, greedy = outcome.optimal, outcome.greedy
        return {
            f"{prefix}_s": round(optimal.seconds, 2),
            f"{prefix}_objective": round(optimal.objective, 1),
            f"{prefix}_filled": optimal.filled,
            f"{prefix}_gap": None if optimal.gap is None else round(optimal.gap, 6),
            f"{prefix}_optimal": optimal.optimal,
            f"{prefix.replace('autostaff', 'greedy')}_objective": round(greedy.objective, 1),
            f"{prefix.replace('autostaff', 'greedy')}_filled": greedy.filled,
        }
