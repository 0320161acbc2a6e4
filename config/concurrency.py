"""Optimistic concurrency: an edit made on a stale page does not overwrite a newer one.

An edit form carries the version of the object it was opened on (its `updated_at`, which
every save changes). The service compares it under the row lock: when someone saved the
object in between — a colleague, or the same person in another browser tab — the edit is
refused with a form error instead of silently undoing theirs. The form comes back with
what was typed, now carrying the current version, so saving again is a deliberate choice.
The API does the same with an ETag and If-Match (config/api/views.py).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _

CONFLICT = "conflict"


def version_of(obj: models.Model) -> str:
    return obj.updated_at.isoformat()


def version_check(obj: models.Model, version: str) -> None:
    """Refuse the edit when it was made on another version than the one now stored; no
    version (an API client without If-Match) checks nothing. Call it under the row lock."""
    if version and version != version_of(obj):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _(
                        "Dit is intussen door iemand anders gewijzigd (of door jou in een ander "
                        "venster). Je invoer is niet opgeslagen en staat hieronder nog. Bekijk "
                        "de gegevens zoals ze nu zijn op de pagina zelf; sla hier opnieuw op "
                        "om ze met jouw invoer te overschrijven."
                    ),
                    code=CONFLICT,
                )
            }
        )


class VersionedForm(forms.Form):
    """An edit form that remembers the version of the object it was opened on."""

    version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, version: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.current_version = version
        # A form that locks its other fields (a role request with someone confirmed on
        # it) still says which version it was opened on.
        self.fields["version"].disabled = False

    def add_error(self, field: str | None, error) -> None:
        super().add_error(field, error)
        if self.is_bound and self.has_error(NON_FIELD_ERRORS, code=CONFLICT):
            # Shown again with the version stored now: saving after the refusal overwrites.
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = self.current_version
