"""Forms of the HR advisor's pages: the board's and the candidates' filters.

Field names are the query parameters, so they are Dutch. Choices are callables: they are
read from the database only when the form is rendered or a chosen value is checked, so
an HTMX request for the results alone does not pay for the filter's selects.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assignments.forms import DateInput, PeriodMixin, SearchInput
from assignments.hr_selectors import URGENCY_WEEKS
from competencies.models import Level

Choices = list[tuple[Any, Any]]

BOARD_ORDERS = [
    ("urgentie", _("Urgentie: start het eerst, minste kandidaten")),
    ("start", _("Startdatum, vroegste eerst")),
    ("-start", _("Startdatum, laatste eerst")),
    ("opgave", _("Opgave")),
    ("rol", _("Rol")),
    ("organisatie", _("Organisatie")),
]


def _with_all(label: str, choices: Callable[[], Choices]) -> Callable[[], Choices]:
    """The choices after an "all" entry, read once however often the form iterates them."""
    return cache(lambda: [("", label), *choices()])


def search_field(help_text: str) -> forms.CharField:
    return forms.CharField(
        label=_("Zoeken"), required=False, max_length=200, help_text=help_text, widget=SearchInput()
    )


class BoardFilterForm(PeriodMixin, forms.Form):
    zoek = search_field(_("Zoekt in opgave, rol en organisatie."))
    organisatie = forms.TypedChoiceField(
        label=_("Organisatie"), required=False, coerce=int, empty_value=None
    )
    rol = forms.TypedChoiceField(label=_("Rol"), required=False, coerce=int, empty_value=None)
    opgave = forms.TypedChoiceField(label=_("Opgave"), required=False, coerce=int, empty_value=None)
    start = forms.DateField(label=_("Start vanaf"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Start tot en met"), required=False, widget=DateInput())
    urgentie = forms.TypedChoiceField(
        label=_("Urgentie"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Alle")),
            *(
                (weeks, _("Start binnen %(weeks)s weken") % {"weeks": weeks})
                for weeks in URGENCY_WEEKS
            ),
        ],
    )
    drempel = forms.IntegerField(
        label=_("Geen kandidaat met score vanaf"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Toont alleen rolvragen zonder kandidaat met minstens deze score."),
    )
    sorteer = forms.ChoiceField(
        label=_("Sorteren op"), required=False, choices=BOARD_ORDERS, initial="urgentie"
    )

    def __init__(
        self,
        *args: Any,
        organisations: Callable[[], Choices],
        roles: Callable[[], Choices],
        opgaven: Callable[[], Choices],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisatie"].choices = _with_all(_("Alle organisaties"), organisations)
        self.fields["rol"].choices = _with_all(_("Alle rollen"), roles)
        self.fields["opgave"].choices = _with_all(_("Alle opgaven"), opgaven)


class CandidateFilterForm(forms.Form):
    zoek = search_field(_("Zoekt in namen, competenties en onderbouwing; tikfouten mogen."))
    competentie = forms.TypedChoiceField(
        label=_("Competentie"), required=False, coerce=int, empty_value=None
    )
    niveau = forms.TypedChoiceField(
        label=_("Minimaal niveau"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Elk niveau")), *Level.choices],
    )
    organisatie = forms.TypedChoiceField(
        label=_("Organisatie"), required=False, coerce=int, empty_value=None
    )
    herkomst = forms.ChoiceField(
        label=_("Intern of extern"),
        required=False,
        choices=[("", _("Iedereen")), ("intern", _("Intern")), ("extern", _("Extern (inhuur)"))],
    )
    vrije_uren = forms.DecimalField(
        label=_("Minimaal vrije uren per week"),
        required=False,
        min_value=0,
        max_value=60,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )

    def __init__(
        self,
        *args: Any,
        competencies: Callable[[], Choices],
        organisations: Callable[[], Choices],
        **kwargs: Any,
    ) -> None:
        # Shown beside the board's filter, whose fields share some names: ids must differ.
        kwargs.setdefault("auto_id", "kandidaat_%s")
        super().__init__(*args, **kwargs)
        self.fields["competentie"].choices = _with_all(_("Alle competenties"), competencies)
        self.fields["organisatie"].choices = _with_all(_("Alle organisaties"), organisations)
