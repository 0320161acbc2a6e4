"""Writes for notifications: make them with a change, send their e-mail, mark them read."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from functools import partial
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.messages import text_of
from notifications.models import (
    Notification,
    NotificationKind,
    NotificationPreference,
    email_field,
)

logger = logging.getLogger(__name__)

SEND_EMAIL_TASK = "notifications.send_email"
# Sending may fail for a while (mail relay down); after this many tries a person must look.
MAX_EMAIL_ATTEMPTS = 10
# The sweep leaves fresh notifications to their own task.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 500
EMAIL_FAILURES = (OSError, SMTPException)


def notify(
    *,
    recipients: Iterable[AbstractBaseUser | None],
    kind: str,
    data: dict[str, Any],
    url: str = "",
) -> list[Notification]:
    """Tell each recipient (None and repeats skipped) in the app, and by e-mail where they
    want this kind by e-mail.

    Call inside the transaction of the change it is about: the notification commits or
    rolls back with it. E-mail goes out after commit through a task; if the broker is
    down, the sweep (notification_emails_sweep) sends it later.
    """
    users = list({user.pk: user for user in recipients if user is not None}.values())
    if not users:
        return []
    no_email = set(
        NotificationPreference.objects.filter(
            user_id__in=[u.pk for u in users], **{email_field(kind): False}
        ).values_list("user_id", flat=True)
    )
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            data=data,
            url=url,
            email_due=bool(user.email) and user.pk not in no_email,
        )
        for user in users
    )
    for notification in notifications:
        if notification.email_due:
            transaction.on_commit(partial(_email_later, notification.pk))
    return notifications


def _email_later(notification_id: int) -> None:
    """Hand the e-mail to a worker. Call after commit. A broker outage only delays it:
    the notification is stored unsent, and the sweep sends it."""
    from notifications.tasks import send_email  # the tasks module imports this one

    try:
        send_email.apply_async(kwargs={"notification_id": notification_id}, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep is the fallback
        logger.warning("broker unreachable; e-mail %s left for the sweep", notification_id)


def _language_of(user: AbstractBaseUser) -> str:
    """The language the user reads e-mail in: their choice, else the site's (Dutch)."""
    try:
        return user.notification_preference.language
    except NotificationPreference.DoesNotExist:
        return settings.LANGUAGE_CODE


def _email(notification: Notification) -> EmailMessage:
    """The e-mail of a notification, written in the recipient's language whatever the
    language of the request or worker that sends it."""
    base = settings.ROLPOOL_BASE_URL.rstrip("/")
    with translation.override(_language_of(notification.recipient)):
        text = text_of(notification)
        lines = [text.body, ""]
        if notification.url:
            lines += [_("Bekijk het in Rolpool: %(url)s") % {"url": base + notification.url}, ""]
        lines.append(
            _("Welke meldingen je per e-mail krijgt, en in welke taal, kies je op %(url)s")
            % {"url": base + reverse("notifications:preferences")}
        )
        return EmailMessage(
            subject=f"Rolpool: {text.title}",
            body="\n".join(lines),
            to=[notification.recipient.email],
        )


def notification_email_send(*, notification_id: int) -> bool:
    """Send the notification's e-mail unless it was sent already; True when sent now.

    Safe to run twice and concurrently: the row is locked while sending and a second
    run skips it. A crash after the mail left but before the commit sends it again on
    the next try: at least once, never lost.
    """
    failure = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient__notification_preference")
            .filter(pk=notification_id, email_due=True, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        notification.email_attempts += 1
        try:
            _email(notification).send()
        except EMAIL_FAILURES as exc:  # counted, then retried by the task or the sweep
            failure = exc
        else:
            notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_attempts", "emailed_at"])
    if failure is not None:
        raise failure
    return True


def notification_emails_sweep() -> int:
    """Send e-mails that are due and were missed (broker outage, failed sends); how many."""
    due = Notification.objects.filter(
        email_due=True,
        emailed_at__isnull=True,
        email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        created_at__lt=timezone.now() - SWEEP_GRACE,
    ).order_by("created_at")
    sent = 0
    for notification_id in due.values_list("pk", flat=True)[:SWEEP_BATCH]:
        try:
            sent += notification_email_send(notification_id=notification_id)
        except EMAIL_FAILURES:
            logger.warning("e-mail of notification %s failed", notification_id, exc_info=True)
    return sent


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preference_update(
    *, user: AbstractBaseUser, language: str, email: Mapping[str, bool]
) -> NotificationPreference:
    """Store the language of the user's e-mail and, for each kind in `email`, whether it
    comes by e-mail too; kinds not given keep their choice (or default)."""
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    preference.language = language
    for kind, wanted in email.items():
        setattr(preference, email_field(NotificationKind(kind)), wanted)
    preference.full_clean()
    preference.save()
    return preference
