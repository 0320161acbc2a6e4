"""Gunicorn settings of the web process: `gunicorn -c python:config.gunicorn ...`.

Options given on the command line (bind, workers, logs) still apply; this module adds
what a command line cannot say: work a new worker does before it takes requests.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("rolpool.gunicorn")


def post_worker_init(worker: Any) -> None:
    """Read the pool's snapshot for Tekorten (assignments.pool_supply) now, so that the
    first view in this worker does not wait 0.6–0.9 s for it. Called in the worker once
    the application is loaded. A failure (the database still starting) only leaves the
    snapshot to the first view, as without this hook."""
    from django.utils import timezone

    from assignments.pool_supply import pool_snapshot_warm

    try:
        pool_snapshot_warm(today=timezone.localdate())
    except Exception:
        logger.warning("Reading the pool snapshot at worker start failed.", exc_info=True)
    # The database connection stays open: the first request reuses or replaces it as
    # Django does between requests (CONN_MAX_AGE, health checks).
