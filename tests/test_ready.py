"""Readiness: database, Redis and a live worker; each failure reported, none hidden."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from config.celery import HEARTBEAT_KEY, heartbeat


def test_ready_needs_a_worker_heartbeat(client, db):
    cache.delete(HEARTBEAT_KEY)
    response = client.get(reverse("ready"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "redis": True, "worker": False}


def test_ready_with_a_real_worker(client, celery_worker_process):
    cache.delete(HEARTBEAT_KEY)
    heartbeat.delay().get(timeout=30)
    response = client.get(reverse("ready"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": True, "redis": True, "worker": True},
    }


@pytest.mark.django_db
def test_ready_reports_redis_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    response = client.get(reverse("ready"))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] is False
