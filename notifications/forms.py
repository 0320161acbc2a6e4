from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from notifications.models import NotificationKind, NotificationPreference, email_field


class PreferenceForm(forms.ModelForm):
    """The language of e-mail, and one box per kind of notification the user receives.

    Only the kinds in `kinds` are shown and saved: the others keep what they were.
    """

    class Meta:
        model = NotificationPreference
        fields = ["language", *(email_field(kind) for kind in NotificationKind)]

    def __init__(self, *args: Any, kinds: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = list(kinds)
        for kind in NotificationKind:
            if kind not in self.kinds:
                del self.fields[email_field(kind)]

    def email_fields(self) -> list[forms.BoundField]:
        return [self[email_field(kind)] for kind in self.kinds]

    def chosen_email(self) -> dict[str, bool]:
        """Kind → whether it comes by e-mail, for the kinds shown. Call after is_valid()."""
        return {kind: self.cleaned_data[email_field(kind)] for kind in self.kinds}
