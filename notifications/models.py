"""Notifications: in the app always, by e-mail as well where the recipient wants it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
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


class EmailLanguage(models.TextChoices):
    """The languages an e-mail is written in: those of the interface. Each is named in
    itself, as language switches do, so its label is not translated."""

    DUTCH = "nl", "Nederlands"
    ENGLISH = "en", "English"


def _by_email(label: str | Promise) -> models.BooleanField:
    """Whether one kind of notification comes by e-mail too: yes unless turned off."""
    return models.BooleanField(label, default=True)


def email_field(kind: str) -> str:
    """The preference's field that says whether `kind` also comes by e-mail."""
    return f"email_{kind}"


class NotificationPreference(models.Model):
    """How a user wants to be told. In-app notifications always exist; e-mail is chosen
    per kind and written in the user's language. A user without a row gets the defaults.

    Every kind either asks the recipient to act (answer a proposal, confirm, release
    hours, find someone else) or settles their work, so every kind comes by e-mail
    unless the user turns it off, as the single switch it replaces did. A new kind of
    notification needs its own field here (a test checks that each kind has one).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("gebruiker"),
    )
    language = models.CharField(
        _("taal van e-mails"),
        max_length=5,
        choices=EmailLanguage,
        default=EmailLanguage.DUTCH,
        help_text=_("Meldingen in Rolpool zelf staan in de taal die je daar kiest."),
    )
    email_proposed = _by_email(_("Je bent voorgesteld voor inzet op een rol"))
    email_accepted = _by_email(_("Een medewerker heeft je voorstel geaccepteerd"))
    email_declined = _by_email(_("Een medewerker heeft je voorstel afgewezen"))
    email_release_requested = _by_email(
        _("Je wordt gevraagd uren van een medewerker vrij te geven")
    )
    email_release_decided = _by_email(
        _("Een leidinggevende heeft over het vrijgeven van uren besloten")
    )
    email_confirmed = _by_email(_("Inzet is bevestigd (van jou, of op je opgave)"))

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [
            choice_is_valid("language", EmailLanguage, "notification_preference_language_valid")
        ]

    def __str__(self) -> str:
        return str(self.user)

    def wants_email(self, kind: str) -> bool:
        return getattr(self, email_field(kind))
