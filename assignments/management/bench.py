"""What the benchmark commands share: the data set they run on, and percentiles."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assignments.demo import bench_dataset
from assignments.matching.adapter import open_role_requests
from pool.models import Member


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class BenchCommand(BaseCommand):
    """A benchmark on the data set of `bench_dataset`, built on first use."""

    def add_arguments(self, parser) -> None:
        parser.add_argument("--members", type=int, default=20000)
        parser.add_argument("--requests", type=int, default=2000)
        parser.add_argument("--competencies", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)

    def dataset_ready(self, *, members: int, requests: int, competencies: int, seed: int) -> date:
        """Build the data set in an empty database, or check that the one there was built
        with these sizes (a benchmark on other data would mislead). Returns today."""
        today = timezone.localdate()
        present = Member.objects.count()
        if present == 0:
            started = time.perf_counter()
            bench_dataset(
                members=members,
                requests=requests,
                competencies=competencies,
                seed=seed,
                today=today,
            )
            self.stdout.write(f"built the data set in {time.perf_counter() - started:.1f}s")
        elif present != members or open_role_requests(today=today).count() != requests:
            raise CommandError(
                f"The database holds {present} members; use an empty database or one built "
                "by this command with the same sizes."
            )
        return today
