"""What the benchmark commands share: the data set they run on, and percentiles."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import CommandError, OutputWrapper

from assignments.demo import bench_dataset
from assignments.matching.adapter import open_role_requests
from pool.models import Member


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def bench_dataset_ready(
    *,
    members: int,
    requests: int,
    competencies: int,
    seed: int,
    today: date,
    stdout: OutputWrapper,
) -> None:
    """Build the benchmark data set in an empty database, or check that the one there was
    built with these sizes (a benchmark on other data would mislead)."""
    present = Member.objects.count()
    if present == 0:
        started = time.perf_counter()
        bench_dataset(
            members=members, requests=requests, competencies=competencies, seed=seed, today=today
        )
        stdout.write(f"built the data set in {time.perf_counter() - started:.1f}s")
    elif present != members or open_role_requests(today=today).count() != requests:
        raise CommandError(
            f"The database holds {present} members; use an empty database or one built "
            "by this command with the same sizes."
        )
