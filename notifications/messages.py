"""The words of each kind of notification, written in the active language when read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from notifications.models import Notification, NotificationKind


@dataclass(frozen=True)
class Text:
    title: str
    body: str


def _words(data: dict[str, Any]) -> dict[str, str]:
    """The data's values as they go into a sentence: names in the language, dates in words.

    A value missing from older data reads as empty rather than breaking the page.
    """
    role = data.get("role") or {}
    english = (get_language() or "nl").startswith("en")
    words = defaultdict(str)
    words.update((k, str(v)) for k, v in data.items() if not isinstance(v, dict))
    words["role"] = (role.get("en") if english else None) or role.get("nl", "")
    for key in ("start", "end"):
        if data.get(key):
            words[key] = date_format(date.fromisoformat(data[key]), "j F Y")
    return words


def _release_decided(w: defaultdict[str, str], data: dict[str, Any]) -> Text:
    if data.get("approved"):
        return Text(
            _("Uren vrijgegeven: %(member)s") % w,
            _(
                "%(by)s heeft de uren van %(member)s voor %(role)s – %(opgave)s vrijgegeven. "
                "De inzet kan nu worden bevestigd."
            )
            % w,
        )
    return Text(
        _("Uren niet vrijgegeven: %(member)s") % w,
        _(
            "%(by)s heeft de uren van %(member)s voor %(role)s – %(opgave)s niet vrijgegeven. "
            "Reden: %(reason)s. De inzet is daarmee beëindigd."
        )
        % w,
    )


TEXTS: dict[str, Callable[[defaultdict[str, str], dict[str, Any]], Text]] = {
    NotificationKind.PROPOSED: lambda w, d: Text(
        _("Nieuw voorstel: %(role)s – %(opgave)s") % w,
        _(
            "Je bent voorgesteld als %(role)s op %(opgave)s, %(hours)s uur per week van "
            "%(start)s tot en met %(end)s. Accepteer het voorstel of wijs het af."
        )
        % w,
    ),
    NotificationKind.ACCEPTED: lambda w, d: Text(
        _("Voorstel geaccepteerd: %(member)s") % w,
        _("%(member)s heeft het voorstel voor %(role)s – %(opgave)s geaccepteerd.") % w,
    ),
    NotificationKind.DECLINED: lambda w, d: Text(
        _("Voorstel afgewezen: %(member)s") % w,
        _("%(member)s heeft het voorstel voor %(role)s – %(opgave)s afgewezen. Reden: %(reason)s")
        % w,
    ),
    NotificationKind.RELEASE_REQUESTED: lambda w, d: Text(
        _("Vrijgave gevraagd: %(member)s") % w,
        _(
            "%(member)s heeft een voorstel geaccepteerd als %(role)s op %(opgave)s, %(hours)s "
            "uur per week van %(start)s tot en met %(end)s. Geef de uren vrij of weiger met "
            "een reden."
        )
        % w,
    ),
    NotificationKind.RELEASE_DECIDED: _release_decided,
    NotificationKind.CONFIRMED: lambda w, d: Text(
        _("Inzet bevestigd: %(member)s als %(role)s") % w,
        _(
            "De inzet van %(member)s als %(role)s op %(opgave)s is bevestigd: %(hours)s uur "
            "per week van %(start)s tot en met %(end)s."
        )
        % w,
    ),
}


def text_of(notification: Notification) -> Text:
    return TEXTS[notification.kind](_words(notification.data), notification.data)
