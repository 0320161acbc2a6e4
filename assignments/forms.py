"""Forms for the manager's pages. They check the shape of the input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assignments.autostaff_selectors import AutostaffSelection
from assignments.models import Opgave, RoleRequest
from assignments.services import CompetencyNeed
from competencies.models import Level, Role
from config.concurrency import VersionedForm
from pool.models import Organisation

Choices = list[tuple[Any, Any]]


class DateInput(forms.DateInput):
    """The browser's own date picker; the value is ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SearchInput(forms.TextInput):
    input_type = "search"


class PeriodMixin:
    """A start and an end, the end not before the start."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("De einddatum ligt vóór de begindatum."))  # type: ignore[attr-defined]
        return cleaned


class OpgaveForm(PeriodMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Wat moet er bereikt worden, voor wie en met welke partners?"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("– kies een organisatie –"),
    )
    start = forms.DateField(label=_("Van"), widget=DateInput())
    end = forms.DateField(label=_("Tot en met"), widget=DateInput())
    governance = forms.ChoiceField(
        label=_("Sturingsaccent"),
        choices=Opgave.Governance.choices,
        initial=Opgave.Governance.NETWORK,
        widget=forms.RadioSelect,
        help_text=_("Welke manier van sturen past het best bij deze opgave?"),
    )
    predictability = forms.ChoiceField(
        label=_("Hoe voorspelbaar is het werk?"),
        choices=Opgave.Predictability.choices,
        widget=forms.RadioSelect,
    )
    complexity = forms.ChoiceField(
        label=_("Hoe complex is het werk?"),
        choices=Opgave.Complexity.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def maatwerk(self) -> bool | None:
        """The advice for the answers given so far: True for maatwerk (the pool), False for
        standard work (the line), None while a question is unanswered."""
        source = self.data if self.is_bound else self.initial
        predictability = source.get("predictability")
        complexity = source.get("complexity")
        if (
            predictability not in Opgave.Predictability.values
            or complexity not in Opgave.Complexity.values
        ):
            return None
        return Opgave(predictability=predictability, complexity=complexity).is_maatwerk


class OpgaveEditForm(VersionedForm, OpgaveForm):
    pass


class RoleRequestForm(PeriodMixin, forms.Form):
    role = forms.TypedChoiceField(label=_("Rol"), coerce=int)
    people = forms.IntegerField(label=_("Aantal personen"), min_value=1, max_value=50, initial=1)
    hours_per_week = forms.DecimalField(
        label=_("Uren per week"),
        min_value=Decimal("0.5"),
        max_value=Decimal(60),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    start = forms.DateField(label=_("Van"), widget=DateInput())
    end = forms.DateField(label=_("Tot en met"), widget=DateInput())
    open_to_development = forms.BooleanField(
        label=_("Ruimte voor ontwikkeling"),
        required=False,
        help_text=RoleRequest._meta.get_field("open_to_development").help_text,
    )
    notes = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    # Once someone is confirmed on the request, only these fields stay open.
    FIXED_EDITABLE = ("people", "end")

    def __init__(self, *args: Any, roles: Choices, fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fixed = fixed
        if fixed:
            for name, field in self.fields.items():
                if name not in self.FIXED_EDITABLE:
                    field.disabled = True

    def focus_first(self) -> None:
        """Put the focus in the form when it opens (htmx honours autofocus after a swap)."""
        first = next(name for name, field in self.fields.items() if not field.disabled)
        self.fields[first].widget.attrs["autofocus"] = True

    def clean_role(self) -> Role:
        try:
            return Role.objects.get(pk=self.cleaned_data["role"])
        except Role.DoesNotExist:
            raise forms.ValidationError(_("Kies een rol uit de lijst.")) from None


class RoleRequestEditForm(VersionedForm, RoleRequestForm):
    pass


class NeedForm(forms.Form):
    """One competency a role request asks for; a row left without competency is skipped."""

    competency = forms.TypedChoiceField(
        label=_("Competentie"), coerce=int, required=False, empty_value=None
    )
    # Not required on their own: they matter only on a row with a competency (see clean).
    min_level = forms.TypedChoiceField(
        label=_("Minimumniveau"),
        choices=Level.choices,
        coerce=int,
        initial=Level.INDEPENDENT,
        required=False,
        empty_value=None,
    )
    required = forms.TypedChoiceField(
        label=_("Vereist of gewenst"),
        choices=[("1", _("vereist")), ("0", _("gewenst"))],
        coerce=lambda value: value == "1",
        initial="1",
        required=False,
        empty_value=None,
    )

    def __init__(
        self, *args: Any, competencies: Choices, number: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", _("– geen –")), *competencies]
        self.number = number
        self.label_for_row()

    def label_for_row(self) -> None:
        """The rows stand in a table; each control says which row it belongs to."""
        if self.number is None:
            return
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = _("%(field)s, regel %(number)s") % {
                "field": field.label,
                "number": self.number,
            }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("competency") and not cleaned.get("DELETE"):
            for name in ("min_level", "required"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Kies een waarde."))
        return cleaned


class BaseNeedFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, competencies: Choices, **kwargs: Any) -> None:
        self.competencies = competencies
        super().__init__(*args, **kwargs)

    def add_fields(self, form: NeedForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # only on rows of needs already stored
            form.fields["DELETE"].label = _("Weghalen")
            form.label_for_row()

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        number = None if index is None else index + 1
        return {"competencies": self.competencies, "number": number}

    def clean(self) -> None:
        if any(self.errors):
            return
        chosen = [need.competency_id for need in self.needs()]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Vraag elke competentie maar één keer."))

    def needs(self) -> list[CompetencyNeed]:
        return [
            CompetencyNeed(
                competency_id=form.cleaned_data["competency"],
                min_level=form.cleaned_data["min_level"],
                required=form.cleaned_data["required"],
            )
            for form in self.forms
            if form.cleaned_data
            and form.cleaned_data.get("competency")
            and not form.cleaned_data.get("DELETE")
        ]


NeedFormSet = forms.formset_factory(
    NeedForm,
    formset=BaseNeedFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=30,
    validate_max=True,
)


def need_initial(role_request: RoleRequest) -> list[dict[str, Any]]:
    """The formset rows of an existing request (its needs prefetched)."""
    return [
        {
            "competency": need.competency_id,
            "min_level": need.min_level,
            "required": "1" if need.required else "0",
        }
        for need in role_request.competency_needs.all()
    ]


def role_request_initial(role_request: RoleRequest) -> dict[str, Any]:
    return {
        "role": role_request.role_id,
        "people": role_request.people,
        "hours_per_week": role_request.hours_per_week.normalize(),
        "start": role_request.start,
        "end": role_request.end,
        "open_to_development": role_request.open_to_development,
        "notes": role_request.notes,
    }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CopyForm(forms.Form):
    start = forms.DateField(
        label=_("Begindatum van de kopie"),
        widget=DateInput(),
        help_text=_("Alle data van de opgave en haar rolvragen schuiven evenveel dagen mee."),
    )


class OpgaveFilterForm(forms.Form):
    """The list's filters. The field names are the query parameters, so they are Dutch."""

    zoek = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=200,
        help_text=_("Zoekt in titel en omschrijving."),
        widget=SearchInput(),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle statussen")), *Opgave.Status.choices],
    )
    organisatie = forms.TypedChoiceField(
        label=_("Organisatie"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisatie"].choices = [
            ("", _("Alle organisaties")),
            *((organisation.pk, organisation.name) for organisation in organisations),
        ]


class AutostaffSelectionForm(forms.Form):
    """Which open role requests an auto-staffing run takes; every field narrows, none: all."""

    opgave = forms.ModelChoiceField(
        label=_("Opgave"),
        queryset=Opgave.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("– alle opgaven –"),
    )
    organisatie = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("– alle organisaties die je bedient –"),
    )
    weken = forms.IntegerField(
        label=_("Start binnen (weken)"),
        min_value=1,
        max_value=104,
        required=False,
        help_text=_("Alleen rolvragen die binnen zoveel weken beginnen; leeg: alle."),
    )

    def __init__(
        self, *args: Any, opgaven: QuerySet[Opgave], organisations: QuerySet[Organisation], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opgave"].queryset = opgaven
        self.fields["organisatie"].queryset = organisations

    def selection(self) -> AutostaffSelection:
        """Call when valid."""
        opgave, organisation = self.cleaned_data["opgave"], self.cleaned_data["organisatie"]
        return AutostaffSelection(
            opgave=opgave.uuid if opgave else None,
            opgave_title=opgave.title if opgave else "",
            organisation=organisation.pk if organisation else None,
            organisation_name=organisation.name if organisation else "",
            weeks=self.cleaned_data["weken"],
        )
