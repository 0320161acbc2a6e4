"""The matching weights form: one number field per weight, checked by the core's rules.

The rules live in the core (`weights_problems`); this form only words their problem codes in
Dutch, at the field they concern, so the page and the scoring can never disagree about what
is allowed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from assignments.matching.core import (
    NEGATIVE,
    NO_POSITIVE_PART,
    NOT_FINITE,
    NOT_POSITIVE,
    WEIGHT_FACTORS,
    WEIGHT_PARTS,
    Weights,
    weights_problems,
)

LABELS = {
    "competency": _("Competenties"),
    "role_experience": _("Rolervaring"),
    "role_preference": _("Voorkeur voor de rol"),
    "availability": _("Beschikbaarheid"),
    "development": _("Ontwikkelkans"),
    "required_factor": _("Factor vereiste competenties"),
    "desired_factor": _("Factor gewenste competenties"),
}
HELP = {
    "competency": _(
        "Hoe goed de niveaus van de medewerker de gevraagde minimumniveaus halen; een niveau "
        "onder het minimum telt naar verhouding mee."
    ),
    "role_experience": _("Hoeveel ervaring de medewerker met de gevraagde rol heeft."),
    "role_preference": _("Of de medewerker de gevraagde rol graag doet."),
    "availability": _(
        "Of de medewerker in elke week van de rolvraag de gevraagde uren vrij heeft."
    ),
    "development": _(
        "Alleen bij rolvragen met ruimte voor ontwikkeling: leerdoelen van de medewerker op "
        "de gevraagde competenties."
    ),
    "required_factor": _(
        "Hoe zwaar een vereiste competentie binnen het onderdeel competenties weegt."
    ),
    "desired_factor": _(
        "Hoe zwaar een gewenste competentie binnen het onderdeel competenties weegt."
    ),
}
PROBLEMS = {
    NOT_FINITE: _("Vul een getal in."),
    NEGATIVE: _("Een gewicht kan niet negatief zijn."),
    NOT_POSITIVE: _("Een factor moet groter dan 0 zijn."),
    NO_POSITIVE_PART: _(
        "Geef competenties, rolervaring, voorkeur voor de rol of beschikbaarheid een gewicht "
        "groter dan 0: ontwikkelkans alleen telt niet bij elke rolvraag mee."
    ),
}


def problem_messages(problems: dict[str, str]) -> list[str]:
    """The core's problems in words, each with the label of its weight (for the admin)."""
    return [
        f"{LABELS[name]}: {PROBLEMS[code]}" if name else str(PROBLEMS[code])
        for name, code in problems.items()
    ]


def plain_number(value: float) -> float | int:
    """50.0 shown as 50: the weights are mostly whole numbers."""
    return int(value) if float(value).is_integer() else value


def weight_changes(before: dict[str, float], after: dict[str, float]) -> list[str]:
    """A line like "Competenties: 50 → 60" per weight that differs, in the active language."""
    return [
        _("%(label)s: %(before)s → %(after)s")
        % {
            "label": LABELS.get(name, name),
            "before": number_format(plain_number(before[name])) if name in before else "–",
            "after": number_format(plain_number(value)),
        }
        for name, value in after.items()
        if before.get(name) != value
    ]


class WeightsForm(forms.Form):
    """All seven weights; `weights()` gives them as the core's Weights once valid."""

    def __init__(self, *args: Any, current: Weights | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = Weights().as_dict()
        initial = (current or Weights()).as_dict()
        for name in (*WEIGHT_PARTS, *WEIGHT_FACTORS):
            self.fields[name] = forms.FloatField(
                label=LABELS[name],
                help_text=_("%(help)s Standaard: %(default)s.")
                % {"help": HELP[name], "default": plain_number(defaults[name])},
                initial=plain_number(initial[name]),
                error_messages={
                    "required": _("Vul een gewicht in."),
                    "invalid": PROBLEMS[NOT_FINITE],
                },
                widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
            )

    def parts(self) -> list[forms.BoundField]:
        return [self[name] for name in WEIGHT_PARTS]

    def factors(self) -> list[forms.BoundField]:
        return [self[name] for name in WEIGHT_FACTORS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, code in weights_problems(cleaned).items():
            self.add_error(name or None, PROBLEMS[code])
        return cleaned

    def weights(self) -> Weights:
        return Weights(**self.cleaned_data)
