"""Turn a stored match explanation into sentences a person can read, in the active language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competencies.models import Competency, Role

PART_LABELS = {
    "competency": lambda: _("competenties"),
    "role_experience": lambda: _("rolervaring"),
    "role_preference": lambda: _("voorkeur voor de rol"),
    "availability": lambda: _("beschikbaarheid"),
    "development": lambda: _("ontwikkelkans"),
}
EXPERIENCE = {
    0: lambda: _("geen ervaring"),
    1: lambda: _("enige ervaring"),
    2: lambda: _("ruime ervaring"),
    3: lambda: _("zeer ruime ervaring"),
}
PREFERENCE = {
    0: lambda: _("liever niet"),
    1: lambda: _("neutraal"),
    2: lambda: _("graag"),
}


@dataclass(frozen=True)
class Reading:
    """An explanation in words: the competency lines and a short summary."""

    met: list[str]
    short: list[str]
    missing: list[str]
    hours: str
    role: str
    learning: list[str]
    parts: list[tuple[str, int, float]]  # label, percentage, weight

    @property
    def summary(self) -> str:
        pieces = [*self.met, *self.short, *self.missing, self.role, self.hours]
        if self.learning:
            pieces.append(_("leerdoel: %(goals)s") % {"goals": ", ".join(self.learning)})
        return "; ".join(pieces)


def names_for(explanations: Iterable[Mapping[str, Any]]) -> tuple[dict[int, str], dict[int, str]]:
    """Competency and role names for a batch of explanations, in two queries."""
    competency_ids, role_ids = set(), set()
    for explanation in explanations:
        competency_ids.update(c["competency"] for c in explanation.get("competencies", []))
        competency_ids.update(explanation.get("learning_goals", []))
        if "role" in explanation:
            role_ids.add(explanation["role"]["role"])
    return (
        {c.pk: c.name for c in Competency.objects.filter(pk__in=competency_ids)},
        {r.pk: r.name for r in Role.objects.filter(pk__in=role_ids)},
    )


def read(
    explanation: Mapping[str, Any], competencies: Mapping[int, str], roles: Mapping[int, str]
) -> Reading:
    met, short, missing = [], [], []
    for need in explanation.get("competencies", []):
        name = competencies.get(need["competency"], "?")
        values = {"name": name, "level": need["level"], "minimum": need["min_level"]}
        if need["status"] == "met":
            met.append(_("%(name)s: %(level)s/%(minimum)s") % values)
        elif need["status"] == "short":
            short.append(_("%(name)s: %(level)s/%(minimum)s (onder het minimum)") % values)
        else:
            missing.append(_("%(name)s: ontbreekt") % values)
    hours = explanation.get("hours", {})
    free, requested = hours.get("free", 0), hours.get("requested", 0)
    role = explanation.get("role", {})
    parts = [
        (PART_LABELS[name](), round(100 * part["value"]), part["weight"])
        for name, part in explanation.get("parts", {}).items()
        if part["weight"] and name in PART_LABELS
    ]
    return Reading(
        met=met,
        short=short,
        missing=missing,
        hours=ngettext(
            "beschikbaar: %(free)s van %(requested)s uur",
            "beschikbaar: %(free)s van %(requested)s uur",
            int(requested),
        )
        % {"free": f"{max(free, 0):g}", "requested": f"{requested:g}"},
        role=_("%(role)s: %(experience)s, %(preference)s")
        % {
            "role": roles.get(role.get("role"), "?"),
            "experience": EXPERIENCE.get(role.get("experience"), EXPERIENCE[0])(),
            "preference": _("voorkeur: %(preference)s")
            % {"preference": PREFERENCE.get(role.get("preference"), PREFERENCE[1])()},
        },
        learning=[competencies.get(c, "?") for c in explanation.get("learning_goals", [])],
        parts=parts,
    )
