"""A real Celery worker sends the e-mail of a notification once the change commits, in the
recipient's language."""

from __future__ import annotations

import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation

from notifications.models import Notification
from notifications.services import notification_preference_update, notify
from tests.factories import UserFactory


@pytest.fixture
def worker_email(monkeypatch, tmp_path):
    """The worker process writes its mail to files here, for the test to read."""
    monkeypatch.setenv("DJANGO_EMAIL_BACKEND", "tests.notifications.spool_backend.EmailBackend")
    monkeypatch.setenv("ROLPOOL_TEST_MAIL_DIR", str(tmp_path))
    return tmp_path


def sent_by_worker(notification: Notification) -> Notification:
    deadline = time.monotonic() + 30
    while notification.emailed_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
        notification.refresh_from_db()
    return notification


def messages_in(spool: Path) -> list[EmailMessage]:
    separator = b"\n" + b"-" * 79 + b"\n"
    return [
        message_from_bytes(part, policy=policy.default)
        for path in sorted(spool.iterdir())
        for part in path.read_bytes().split(separator)
        if part.strip()
    ]


def test_worker_sends_the_email_after_commit_in_the_recipients_language(
    worker_email, celery_worker_process
):
    dutch, english = UserFactory(), UserFactory()
    notification_preference_update(user=english, language="en", email={})
    data = {"member": "Sanne", "role": {"nl": "Regie", "en": "Lead"}, "opgave": "Oost"}
    with translation.override("nl"), transaction.atomic():
        notify(recipients=[dutch, english], kind=Notification.Kind.CONFIRMED, data=data)
    for user in (dutch, english):
        notification = sent_by_worker(Notification.objects.get(recipient=user))
        assert notification.emailed_at is not None
        assert notification.email_attempts == 1
    subjects = {message["To"]: message["Subject"] for message in messages_in(worker_email)}
    assert subjects == {
        dutch.email: "Rolpool: Inzet bevestigd: Sanne als Regie",
        english.email: "Rolpool: Assignment confirmed: Sanne as Lead",
    }
    assert celery_worker_process.poll() is None
