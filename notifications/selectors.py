"""Reads of notifications, always of the user's own."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404

from notifications.models import Notification, NotificationPreference


def notifications_of(*, user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_of(*, user: AbstractBaseUser, uuid) -> Notification:
    """One of the user's own notifications; anyone else's is 404."""
    try:
        return Notification.objects.get(recipient=user, uuid=uuid)
    except Notification.DoesNotExist:
        raise Http404 from None


def unread_count(*, user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_of(*, user: AbstractBaseUser) -> NotificationPreference:
    """The user's preference, or the defaults (unsaved) when they never chose."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )
