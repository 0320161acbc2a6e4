"""A real Celery worker sends the e-mail of a notification once the change commits."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory


@pytest.fixture
def worker_email(monkeypatch):
    """The worker process keeps its mail in memory: what counts is that it sent it."""
    monkeypatch.setenv("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


def test_worker_sends_the_email_after_commit(worker_email, celery_worker_process):
    user = UserFactory()
    with transaction.atomic():
        notify(recipients=[user], kind=Notification.Kind.CONFIRMED, data={"member": "Sanne"})
    notification = Notification.objects.get(recipient=user)
    deadline = time.monotonic() + 30
    while notification.emailed_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
        notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification.email_attempts == 1
    assert celery_worker_process.poll() is None
