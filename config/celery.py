"""Celery application; tasks live in each app's tasks.py."""

from __future__ import annotations

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)

app = Celery("rolpool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


HEARTBEAT_KEY = "celery-worker-heartbeat"


@app.task(name="rolpool.heartbeat", ignore_result=False)
def heartbeat() -> str:
    """Record that a worker is alive and consuming; readiness checks read it back."""
    from django.core.cache import cache
    from django.utils import timezone

    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


def enqueue(task_name: str, **kwargs) -> bool:
    """Send a task by name, a moment later so that a burst of edits coalesces.

    Call after commit. If the broker cannot be reached the work is not lost: the caller
    has already marked it stale in the database, and the periodic sweep picks it up.
    Tasks are addressed by name so that lower apps need not import higher ones.
    Returns whether the broker took the task.
    """
    try:
        app.send_task(task_name, kwargs=kwargs, countdown=1, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep is the fallback
        logger.warning("broker unreachable; %s left for the sweep", task_name, exc_info=True)
        return False
    return True
