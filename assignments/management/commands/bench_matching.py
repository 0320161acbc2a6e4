"""Benchmark matching end to end on a municipal-scale pool; prints JSON as its last line."""

from __future__ import annotations

import json
import random
import statistics
import time

from django.db import connection

from assignments.management.bench import BenchCommand, percentile
from assignments.matching import services
from assignments.matching.adapter import load_problem, open_role_requests
from assignments.matching.core import top_k
from assignments.models import RoleRequestCompetency
from pool.models import Member, MemberCompetency

SAMPLES = 100


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

        figures.update(self.member_updates(rng, today))
        figures.update(self.request_updates(rng, today))
        figures.update(self.autostaff("autostaff", Member.objects.all(), today))
        scarce = Member.objects.filter(pk__in=Member.objects.order_by("pk")[:scarce_members])
        figures.update(self.autostaff("scarce_autostaff", scarce, today))
        self.stdout.write(json.dumps(figures))

    def member_updates(self, rng, today) -> dict[str, float]:
        timings = []
        ids = list(Member.objects.values_list("pk", flat=True))
        for member_id in rng.sample(ids, min(SAMPLES, len(ids))):
            held = MemberCompetency.objects.filter(member_id=member_id).order_by("pk").first()
            started = time.perf_counter()
            held.level = held.level % 4 + 1
            held.save(update_fields=["level"])
            services.member_matches_recompute(member_id=member_id, today=today)
            timings.append((time.perf_counter() - started) * 1000)
        return {
            "member_update_ms_p50": round(statistics.median(timings), 1),
            "member_update_ms_p95": round(percentile(timings, 0.95), 1),
        }

    def request_updates(self, rng, today) -> dict[str, float]:
        timings = []
        ids = list(open_role_requests(today=today).values_list("pk", flat=True))
        for request_id in rng.sample(ids, min(SAMPLES, len(ids))):
            need = RoleRequestCompetency.objects.filter(role_request_id=request_id).first()
            started = time.perf_counter()
            need.min_level = need.min_level % 4 + 1
            need.save(update_fields=["min_level"])
            services.request_matches_recompute(role_request_id=request_id, today=today)
            timings.append((time.perf_counter() - started) * 1000)
        return {
            "request_update_ms_p50": round(statistics.median(timings), 1),
            "request_update_ms_p95": round(percentile(timings, 0.95), 1),
        }

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
