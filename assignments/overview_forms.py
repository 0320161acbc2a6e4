"""The filters of the pool overview pages (GET forms: they select, they never change)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assignments.overview_selectors import (
    DistributionOrder,
    Grouping,
    PoolFacets,
    shortage_organisations,
)
from pool.models import Organisation


class View:
    HEATMAP = "heatmap"
    TABLE = "tabel"
    CHOICES = [(HEATMAP, _("kleurenkaart")), (TABLE, _("tabel"))]


def _organisation_field(empty_label: str | Promise) -> forms.ModelChoiceField:
    """One organisation to narrow to, by its uuid in the URL; its choices are set per user."""
    return forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=None,
        required=False,
        empty_label=empty_label,
        to_field_name="uuid",
    )


class PoolFilterForm(forms.Form):
    """Which part of the advisor's pool to show: one organisation and/or one unit."""

    organisatie = _organisation_field(_("Alle organisaties"))
    afdeling = forms.ChoiceField(label=_("Afdeling"), required=False)
    defaults: dict[str, str] = {}

    def __init__(self, data, *, facets: PoolFacets) -> None:
        super().__init__({**self.defaults, **{k: v for k, v in data.items() if v}})
        self.fields["organisatie"].queryset = facets.organisations
        self.fields["afdeling"].choices = [("", _("Alle afdelingen"))] + [
            (unit, unit) for unit in facets.units
        ]

    def filters(self) -> dict:
        """Keyword arguments for `overview_members`; none when the form is not valid."""
        if not self.is_valid():
            return {}
        return {
            "organisation": self.cleaned_data["organisatie"],
            "unit": self.cleaned_data["afdeling"] or None,
        }

    def choice(self, name: str) -> str:
        """The chosen value of an option field, or its default."""
        return (self.cleaned_data.get(name) if self.is_valid() else None) or self.defaults[name]


class CapacityForm(PoolFilterForm):
    groepering = forms.ChoiceField(
        label=_("Groeperen per"),
        choices=Grouping.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    weergave = forms.ChoiceField(
        label=_("Weergave"), choices=View.CHOICES, required=False, widget=forms.RadioSelect
    )
    defaults = {"groepering": Grouping.ORGANISATION, "weergave": View.HEATMAP}


class DistributionForm(PoolFilterForm):
    sorteer = forms.ChoiceField(
        label=_("Sorteren"), choices=DistributionOrder.choices, required=False
    )
    defaults = {"sorteer": DistributionOrder.LONGEST_WITHOUT}


class ShortageForm(forms.Form):
    """Whose shortages to show: all organisations the advisor serves, or one of them."""

    organisatie = _organisation_field(_("Alle organisaties die je bedient"))

    def __init__(self, data, *, user: AbstractBaseUser) -> None:
        super().__init__(data)
        self.fields["organisatie"].queryset = shortage_organisations(user=user)

    def organisation(self) -> Organisation | None:
        """The chosen organisation; None for all, or when the choice is not one of them."""
        return self.cleaned_data["organisatie"] if self.is_valid() else None
