"""Forms for the member's own profile. They check shape; the services in pool.services decide."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from competencies.models import Competency, Level
from config.concurrency import VersionedForm, version_of
from pool.models import Member, RoleExperience

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HOURS = {"max_digits": 4, "decimal_places": 1, "min_value": Decimal(0), "max_value": Decimal(60)}
# How many search results the picker shows at once before it scrolls.
PICKER_MAX_ROWS = 8


def competency_choices(competencies: Iterable[Competency], *, placeholder: str = "") -> list:
    """Choices grouped by competency group (<optgroup>), in the order given."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for competency in competencies:
        _name, options = groups.setdefault(competency.group_id, (competency.group.name, []))
        options.append((competency.pk, competency.name))
    choices: list = [("", placeholder)] if placeholder else []
    return choices + [(name, options) for name, options in groups.values()]


class CatalogueCompetencyField(forms.ModelChoiceField):
    """A competency from the active catalogue.

    The form is given the competencies to offer as a list loaded once per page (`choices`),
    so rendering runs no query of its own; validation looks the chosen one up.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=Competency.objects.filter(
                is_active=True, group__is_active=True
            ).select_related("group"),
            **kwargs,
        )


def level_field(label: str, *, autofocus: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("Kies een niveau")), *Level.choices],
        coerce=int,
        widget=forms.Select(attrs={"autofocus": True} if autofocus else {}),
    )


class MemberDetailsForm(VersionedForm):
    # 254: what the model stores (Django's form field would take up to 320).
    email = forms.EmailField(label=_("E-mailadres"), max_length=254, required=False)
    unit = forms.CharField(label=_("Thuisafdeling"), max_length=150, required=False)
    pool_hours = forms.DecimalField(label=_("Uren per week voor de pool"), **HOURS)
    shareable = forms.BooleanField(
        label=_("Beschikbaar voor andere organisaties"),
        required=False,
        help_text=_(
            "Dan kunnen HR-adviseurs van andere organisaties je voorstellen, als jouw "
            "organisatie en die van hen meedoen aan het delen van medewerkers."
        ),
    )

    def __init__(self, *args, member: Member, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "email": member.email,
                "unit": member.unit,
                # 16 rather than 16.0 in the field; 16.5 stays as it is.
                "pool_hours": member.pool_hours.quantize(Decimal(1))
                if member.pool_hours == member.pool_hours.to_integral_value()
                else member.pool_hours,
                "shareable": member.shareable,
            },
        )
        super().__init__(*args, version=version_of(member), **kwargs)
        self.fields["pool_hours"].help_text = _(
            "Hoeveel van je %(hours)s contracturen je gewoonlijk voor opgaven beschikbaar bent. "
            "Wijkt het in een periode af, geef dat dan op bij Beschikbaarheid."
        ) % {"hours": floatformat(member.contract_hours, -1)}


class CompetencyAddForm(forms.Form):
    competency = CatalogueCompetencyField(label=_("Competentie"))
    level = level_field(_("Niveau"))
    evidence = forms.CharField(
        label=_("Onderbouwing"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kort voorbeeld waaruit dit niveau blijkt."),
    )

    def __init__(
        self, *args, catalogue: Iterable[Competency], filtered: bool = False, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["competency"]
        if filtered:
            # Search results: an open list of matches, so the member sees them at once.
            catalogue = list(catalogue)
            field.choices = competency_choices(catalogue)
            rows = len(catalogue) + len({competency.group_id for competency in catalogue})
            field.widget.attrs["size"] = max(2, min(rows, PICKER_MAX_ROWS))
            if len(catalogue) == 1 and not self.is_bound:
                self.initial["competency"] = catalogue[0].pk
        else:
            field.choices = competency_choices(catalogue, placeholder=_("Kies een competentie"))


class CompetencyChangeForm(forms.Form):
    # Shown in place of a row the member chose to change: start where they will type.
    level = level_field(_("Niveau"), autofocus=True)
    evidence = forms.CharField(label=_("Onderbouwing"), max_length=500, required=False)


class RoleExperienceForm(forms.Form):
    """Experience with and preference for one role; the role is the form's prefix, not data."""

    experience = forms.TypedChoiceField(
        label=_("Ervaring"), choices=RoleExperience.Experience.choices, coerce=int
    )
    preference = forms.TypedChoiceField(
        label=_("Voorkeur"), choices=RoleExperience.Preference.choices, coerce=int
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Van"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Tot en met"), widget=DATE_WIDGET)


class AvailabilityForm(PeriodForm):
    hours_per_week = forms.DecimalField(label=_("Uren per week"), **HOURS)
    note = forms.CharField(label=_("Toelichting"), max_length=200, required=False)


class LeaveForm(PeriodForm):
    note = forms.CharField(label=_("Toelichting"), max_length=200, required=False)


class LearningGoalForm(forms.Form):
    competency = CatalogueCompetencyField(label=_("Competentie"))
    target_level = level_field(_("Doelniveau"))
    note = forms.CharField(
        label=_("Toelichting"),
        max_length=300,
        required=False,
        help_text=_("Bijvoorbeeld hoe je eraan wilt werken."),
    )

    def __init__(self, *args, catalogue: Iterable[Competency], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = competency_choices(
            catalogue, placeholder=_("Kies een competentie")
        )


MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportFileField(forms.FileField):
    """A CSV or XLSX file of at most 20 MB (20,000 members fit easily)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ".csv,.xlsx"}))
        super().__init__(**kwargs)

    def clean(self, *args, **kwargs):
        upload = super().clean(*args, **kwargs)
        if upload and upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("Dit bestand is groter dan 20 MB."), code="too_big")
        if upload and not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Kies een CSV- of XLSX-bestand."), code="extension")
        return upload


class MemberImportForm(forms.Form):
    members = ImportFileField(
        label=_("Medewerkers"),
        help_text=_(
            "CSV, of één Excel-bestand (.xlsx) met de werkbladen medewerkers, competenties "
            "en beschikbaarheid."
        ),
    )
    competencies = ImportFileField(
        label=_("Competenties (CSV)"), required=False, help_text=_("Niet nodig bij een .xlsx.")
    )
    availability = ImportFileField(
        label=_("Beschikbaarheid (CSV)"), required=False, help_text=_("Niet nodig bij een .xlsx.")
    )
