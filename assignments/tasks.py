"""Celery tasks: thin shells around the matching services, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError, InterfaceError
from django.utils import timezone

from assignments import autostaff_services
from assignments.matching import services
from assignments.models import RoleRequest
from pool.models import Member

# Retry only what may pass: the database restarting or a connection dropping.
TRANSIENT = (DatabaseError, InterfaceError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": 2, "retry_backoff_max": 120, "max_retries": 8}
# Above this many stale items one full rebuild is cheaper than recomputing each.
SWEEP_FULL_REBUILD_AT = 200


@shared_task(
    name="assignments.recompute_member_matches",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    **RETRY,
)
def recompute_member_matches(*, member_id: int) -> bool:
    # A burst of edits sends several tasks; the first makes the member current, the
    # others find nothing to do.
    if not Member.objects.filter(pk=member_id, matches_stale_since__isnull=False).exists():
        return False
    services.member_matches_recompute(member_id=member_id, today=timezone.localdate())
    return True


@shared_task(
    name=services.RECOMPUTE_REQUEST_TASK, acks_late=True, soft_time_limit=60, time_limit=90, **RETRY
)
def recompute_request_matches(*, role_request_id: int) -> bool:
    stale = RoleRequest.objects.filter(pk=role_request_id, matches_stale_since__isnull=False)
    if not stale.exists():
        return False
    services.request_matches_recompute(role_request_id=role_request_id, today=timezone.localdate())
    return True


@shared_task(
    name="assignments.rebuild_matches", acks_late=True, soft_time_limit=600, time_limit=660, **RETRY
)
def rebuild_matches() -> int:
    return services.matches_rebuild(today=timezone.localdate())


@shared_task(
    name="assignments.sweep_stale_matches",
    acks_late=True,
    soft_time_limit=600,
    time_limit=660,
    **RETRY,
)
def sweep_stale_matches() -> dict[str, int]:
    """Bring whatever is still stale up to date: missed tasks, broker outages, crashes."""
    today = timezone.localdate()
    members = list(
        Member.objects.filter(matches_stale_since__isnull=False).values_list("pk", flat=True)
    )
    requests = list(
        RoleRequest.objects.filter(matches_stale_since__isnull=False).values_list("pk", flat=True)
    )
    if len(members) + len(requests) >= SWEEP_FULL_REBUILD_AT:
        services.matches_rebuild(today=today)
    else:
        for member_id in members:
            services.member_matches_recompute(member_id=member_id, today=today)
        for role_request_id in requests:
            services.request_matches_recompute(role_request_id=role_request_id, today=today)
    return {"members": len(members), "role_requests": len(requests)}


@shared_task(
    name=autostaff_services.AUTOSTAFF_TASK,
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
    **RETRY,
)
def autostaff_run(*, run_id: int) -> bool:
    # A duplicate or a redelivery finds the run finished and does nothing.
    return autostaff_services.autostaff_run_compute(run_id=run_id, today=timezone.localdate())


@shared_task(
    name="assignments.sweep_autostaff_runs",
    acks_late=True,
    soft_time_limit=600,
    time_limit=660,
    **RETRY,
)
def sweep_autostaff_runs() -> int:
    """Compute the runs the broker never delivered (it was down) or whose worker died."""
    runs = autostaff_services.autostaff_runs_unpicked(now=timezone.now())
    for run_id in runs:
        autostaff_services.autostaff_run_compute(run_id=run_id, today=timezone.localdate())
    return len(runs)
