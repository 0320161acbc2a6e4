from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from assignments.demo import demo_seed
from pool.models import Member


class Command(BaseCommand):
    help = "Fill an empty database with deterministic demo data and the demo accounts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--members", type=int, default=300)
        parser.add_argument("--opgaven", type=int, default=40)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds members (used by `make run`).",
        )

    def handle(self, *, members: int, opgaven: int, seed: int, if_empty: bool, **options):
        if Member.objects.exists():
            if if_empty:
                self.stdout.write("Database already has data; demo data not loaded.")
                return
            self.stderr.write("The database already holds members; seed_demo needs an empty one.")
            raise SystemExit(1)
        if members < 1 or opgaven < 0:
            self.stderr.write("--members must be at least 1 and --opgaven at least 0.")
            raise SystemExit(2)
        started = time.perf_counter()
        counts = demo_seed(members=members, opgaven=opgaven, seed=seed, today=timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {time.perf_counter() - started:.1f}s: "
                f"{counts.organisations} organisations, {counts.members} members, "
                f"{counts.opgaven} opgaven, {counts.role_requests} role requests, "
                f"{counts.assignments} assignments. "
                "Log in as hr, manager, medewerker, beheer or leidinggevende (password: demo)."
            )
        )
