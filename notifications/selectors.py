"""Reads of notifications, always of the user's own."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404

from notifications.models import Notification, NotificationKind, NotificationPreference
from pool.access import HR_ADVISOR, LINE_MANAGER, MANAGER, MEMBER, group_names

# Who receives each kind, as assignments.inzet_notifications decides it: the preferences
# page asks nobody about e-mail they never get.
RECIPIENT_GROUPS: dict[str, frozenset[str]] = {
    NotificationKind.PROPOSED: frozenset({MEMBER}),
    NotificationKind.ACCEPTED: frozenset({HR_ADVISOR}),
    NotificationKind.DECLINED: frozenset({HR_ADVISOR}),
    NotificationKind.RELEASE_REQUESTED: frozenset({LINE_MANAGER}),
    NotificationKind.RELEASE_DECIDED: frozenset({HR_ADVISOR, MEMBER}),
    NotificationKind.CONFIRMED: frozenset({MEMBER, MANAGER}),
}


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


def email_kinds_for(*, user: AbstractBaseUser) -> list[str]:
    """The kinds of notification the user's groups receive, in their order; every kind
    for a user in none of those groups, who may still be sent any."""
    groups = group_names(user)
    kinds = [kind for kind in NotificationKind if RECIPIENT_GROUPS[kind] & groups]
    return kinds or list(NotificationKind)
