"""A real Celery worker process consumes from the real Redis broker."""

from __future__ import annotations

from django.core.cache import cache

from config.celery import HEARTBEAT_KEY, heartbeat


def test_worker_process_completes_a_task(celery_worker_process):
    cache.delete(HEARTBEAT_KEY)
    result = heartbeat.delay()
    stamp = result.get(timeout=30)
    assert result.successful()
    assert cache.get(HEARTBEAT_KEY) == stamp
    assert celery_worker_process.poll() is None
