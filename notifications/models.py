"""Notifications: in the app always, by e-mail as well where the recipient wants it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from competencies.constraints import choice_is_valid


class NotificationKind(models.TextChoices):
    PROPOSED = "proposed", _("voorstel voor inzet")
    ACCEPTED = "accepted", _("voorstel geaccepteerd")
    DECLINED = "declined", _("voorstel afgewezen")
    RELEASE_REQUESTED = "release_requested", _("vrijgave gevraagd")
    RELEASE_DECIDED = "release_decided", _("besluit over vrijgave")
    CONFIRMED = "confirmed", _("inzet bevestigd")


class Notification(models.Model):
    """One message to one user.

    `data` holds the names, titles and dates as they were when it happened, so the text
    is written in the reader's language when read (notifications.messages), and stays
    readable after the things it mentions changed.
    """

    Kind = NotificationKind

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("ontvanger"),
    )
    kind = models.CharField(_("soort"), max_length=30, choices=Kind)
    data = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    # Decided when the notification is made (the recipient's preference and address then);
    # the task and the sweep send what is due and not yet sent.
    email_due = models.BooleanField(_("ook per e-mail"), default=False)
    emailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [
            choice_is_valid("kind", NotificationKind, "notification_kind_valid"),
            models.CheckConstraint(
                condition=Q(email_due=True) | Q(emailed_at__isnull=True),
                name="notification_emailed_only_when_due",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(email_due=True, emailed_at__isnull=True),
                name="notification_email_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.get_kind_display()}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a user wants to be told. In-app notifications always exist; e-mail is optional.
    A user without a row gets the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("gebruiker"),
    )
    email = models.BooleanField(
        _("meldingen ook per e-mail ontvangen"),
        default=True,
        help_text=_(
            "Meldingen staan altijd in Rolpool; met dit vinkje krijg je ze ook per e-mail."
        ),
    )

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")

    def __str__(self) -> str:
        return str(self.user)
