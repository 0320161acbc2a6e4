"""Celery tasks of notifications: thin shells around the services, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError, InterfaceError

from notifications import services

# The mail relay or the database may be away for a while; try again with growing pauses.
# After the last retry the sweep still picks the e-mail up (until MAX_EMAIL_ATTEMPTS).
TRANSIENT = (*services.EMAIL_FAILURES, DatabaseError, InterfaceError)


@shared_task(
    name=services.SEND_EMAIL_TASK,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def send_email(*, notification_id: int) -> bool:
    return services.notification_email_send(notification_id=notification_id)


@shared_task(
    name="notifications.sweep_emails",
    acks_late=True,
    autoretry_for=(DatabaseError, InterfaceError),
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
)
def sweep_emails() -> int:
    return services.notification_emails_sweep()
