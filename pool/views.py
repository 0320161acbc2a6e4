"""The member's own profile ("Mijn profiel"): one page, every part of it editable in place.

Every form works as a plain POST (redirect after a successful one, the whole page again with
the bound form after an invalid one); with htmx the same endpoints answer with the template
partial of the part that changed, named after the DOM id it replaces, plus out-of-band
updates of the completeness indicator and of the status message for screen readers.
htmx swaps only 2xx responses, so an invalid form answers 200 with its errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import retarget
from django_htmx.middleware import HtmxDetails

from competencies.models import Competency, Level, Role
from config.forms import add_service_errors
from pool import services
from pool.access import MEMBER
from pool.decorators import group_required
from pool.forms import (
    AvailabilityForm,
    CompetencyAddForm,
    CompetencyChangeForm,
    LearningGoalForm,
    LeaveForm,
    MemberDetailsForm,
    RoleExperienceForm,
)
from pool.models import Member, MemberCompetency, RoleExperience
from pool.selectors import (
    availability_of,
    competencies_matching,
    competency_catalogue,
    held_competency_ids,
    learning_goal_of,
    leave_of,
    member_competency_of,
    member_of,
    member_profile_of,
    profile_completeness,
    profile_review_due,
    roles_active,
)

TEMPLATE = "pool/profile.html"
# Form prefixes keep the ids of fields unique on the page (several forms have a
# "competency" or "start" field).
DETAILS, NEW_COMPETENCY, AVAILABILITY, LEAVE, LEARNING_GOAL = (
    "details",
    "new-competency",
    "availability",
    "leave",
    "learning-goal",
)
SEARCH_MAX_LENGTH = 100


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- Rendering ---------------------------------------------------------------------------


def _role_forms(
    roles: Sequence[Role], member: Member, data: Any = None
) -> list[tuple[Role, RoleExperienceForm]]:
    recorded = {row.role_id: row for row in member.role_experience.all()}
    pairs = []
    for role in roles:
        row = recorded.get(role.pk)
        initial = {
            "experience": row.experience if row else RoleExperience.Experience.NONE,
            "preference": row.preference if row else RoleExperience.Preference.NEUTRAL,
        }
        pairs.append((role, RoleExperienceForm(data, prefix=f"role-{role.pk}", initial=initial)))
    return pairs


def _unheld(catalogue: Sequence[Competency], member: Member) -> list[Competency]:
    held = {item.competency_id for item in member.competencies.all()}
    return [competency for competency in catalogue if competency.pk not in held]


def _without_goals(catalogue: Sequence[Competency], member: Member) -> list[Competency]:
    goals = {goal.competency_id for goal in member.learning_goals.all()}
    return [competency for competency in catalogue if competency.pk not in goals]


def _profile_context(member: Member, **overrides: Any) -> dict[str, Any]:
    """Everything the page shows, for a member loaded by `member_profile_of`.

    Two queries besides the member's: the competency catalogue (for both pickers) and the
    roles. `overrides` replace a form by its bound, invalid version and the like.
    """
    catalogue = competency_catalogue()
    roles = roles_active()
    levels = {item.competency_id: item.level for item in member.competencies.all()}
    role_forms = overrides.pop("role_forms", None) or _role_forms(roles, member)
    context = {
        "member": member,
        "completeness": profile_completeness(member=member),
        "review_due": profile_review_due(member=member),
        "details_form": MemberDetailsForm(member=member, prefix=DETAILS),
        "competency_form": CompetencyAddForm(
            catalogue=_unheld(catalogue, member), prefix=NEW_COMPETENCY
        ),
        "core_role_forms": [pair for pair in role_forms if pair[0].is_core],
        "other_role_forms": [pair for pair in role_forms if not pair[0].is_core],
        "availability_form": AvailabilityForm(prefix=AVAILABILITY),
        "leave_form": LeaveForm(prefix=LEAVE),
        "learning_goal_form": LearningGoalForm(
            catalogue=_without_goals(catalogue, member), prefix=LEARNING_GOAL
        ),
        "learning_goals": [
            (goal, Level(levels[goal.competency_id]).label if goal.competency_id in levels else "")
            for goal in member.learning_goals.all()
        ],
        "editing_pk": None,
        "competency_edit_form": None,
        "search_query": "",
        "search_count": None,
        "invalid_section": None,
    }
    context.update(overrides)
    return context


def _fragments(
    request: HtmxHttpRequest,
    context: dict[str, Any],
    names: Sequence[str],
    *,
    status: str | Promise | None = None,
    oob: Sequence[str] = ("completeness",),
) -> HttpResponse:
    """The partials `names`, then the partials `oob` and the status message out of band."""
    html = [render_to_string(f"{TEMPLATE}#{name}", context, request) for name in names]
    oob_context = {**context, "oob": True, "status_message": status}
    if status is not None:
        oob = (*oob, "profile-status")
    html += [render_to_string(f"{TEMPLATE}#{name}", oob_context, request) for name in oob]
    return HttpResponse("".join(html))


def _section_url(section: str) -> str:
    return f"{reverse('pool:profile')}#{section}"


def _saved(
    request: HtmxHttpRequest,
    *,
    section: str,
    message: str | Promise,
    fragments: Sequence[str],
    oob: Sequence[str] = ("completeness",),
) -> HttpResponse:
    """After a successful write: the changed partials (htmx), or redirect to the section."""
    if request.htmx:
        context = _profile_context(member_profile_of(user=request.user))
        return _fragments(request, context, fragments, status=message, oob=oob)
    messages.success(request, message)
    return redirect(_section_url(section))


def _invalid(
    request: HtmxHttpRequest, member: Member, *, fragment: str, section: str, **forms: Any
) -> HttpResponse:
    """After an invalid form: its partial with the errors (htmx), or the whole page."""
    context = _profile_context(member, invalid_section=section, **forms)
    if request.htmx:
        response = _fragments(
            request,
            context,
            [fragment],
            status=_("Niet opgeslagen: kijk de gemarkeerde velden na."),
            oob=(),
        )
        # The form targets its whole section on success; on errors only the form is replaced,
        # so that nothing else the member typed on the page is lost.
        return retarget(response, f"#{fragment}")
    return render(request, TEMPLATE, context)


def _write(form: Form, action: Callable[..., object]) -> bool:
    """Run the service if the form is valid; a service's refusal becomes form errors."""
    if not form.is_valid():
        return False
    try:
        action(**form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


# --- The page and personal details --------------------------------------------------------


@require_GET
@login_required
@group_required(MEMBER)
def profile(request: HtmxHttpRequest) -> HttpResponse:
    member = member_profile_of(user=request.user)
    return render(request, TEMPLATE, _profile_context(member))


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MEMBER)
def details_update(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":  # e.g. after switching language on a page with errors
        return redirect(_section_url("personal-details"))
    member = member_profile_of(user=request.user)
    form = MemberDetailsForm(request.POST, member=member, prefix=DETAILS)
    if _write(form, lambda **data: services.member_details_update(member=member, **data)):
        return _saved(
            request,
            section="personal-details",
            message=_("Je gegevens zijn opgeslagen."),
            fragments=["personal-details"],
            oob=("privacy",),
        )
    return _invalid(
        request, member, fragment="personal-details", section="personal-details", details_form=form
    )


@require_POST
@login_required
@group_required(MEMBER)
def profile_confirm(request: HtmxHttpRequest) -> HttpResponse:
    services.member_profile_confirm(member=member_of(user=request.user))
    return _saved(
        request,
        section="profile-review",
        message=_("Bedankt: je profiel is bevestigd."),
        fragments=["profile-review"],
        oob=(),
    )


# --- Competencies --------------------------------------------------------------------------


@require_GET
@login_required
@group_required(MEMBER)
def competency_search(request: HtmxHttpRequest) -> HttpResponse:
    """The competency picker: the active catalogue narrowed to names containing `q`.

    With htmx, only the picker's list; without, the whole page with the list narrowed.
    Competencies already in the profile are left out. No match: the whole list again.
    """
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    if request.htmx:
        held = held_competency_ids(member=member_of(user=request.user))
        member = None
    else:
        member = member_profile_of(user=request.user)
        held = {item.competency_id for item in member.competencies.all()}
    found = [c for c in competencies_matching(query=query) if c.pk not in held] if query else []
    if found:
        form = CompetencyAddForm(catalogue=found, filtered=True, prefix=NEW_COMPETENCY)
    else:
        catalogue = [c for c in competency_catalogue() if c.pk not in held]
        form = CompetencyAddForm(catalogue=catalogue, prefix=NEW_COMPETENCY)
    search = {
        "competency_form": form,
        "search_query": query,
        "search_count": len(found) if query else None,
    }
    if request.htmx:
        return _fragments(
            request, search, ["competency-choices"], oob=("competency-search-status",)
        )
    return render(request, TEMPLATE, _profile_context(member, **search))


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MEMBER)
def competency_add(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect(_section_url("competencies"))
    member = member_profile_of(user=request.user)
    form = CompetencyAddForm(
        request.POST, catalogue=_unheld(competency_catalogue(), member), prefix=NEW_COMPETENCY
    )
    if _write(form, lambda **data: services.member_competency_add(member=member, **data)):
        return _saved(
            request,
            section="competencies",
            message=_("De competentie is toegevoegd."),
            fragments=["competencies"],
        )
    return _invalid(
        request, member, fragment="competency-add", section="competencies", competency_form=form
    )


def _row_response(
    request: HtmxHttpRequest, item: MemberCompetency, form: CompetencyChangeForm | None = None
) -> HttpResponse:
    # A table row alone: out-of-band elements beside a <tr> would not survive parsing.
    return render(
        request,
        f"{TEMPLATE}#competency-row",
        {"item": item, "editing_pk": item.pk if form else None, "competency_edit_form": form},
    )


@require_GET
@login_required
@group_required(MEMBER)
def competency_row(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One competency as shown in the list: what "Annuleren" goes back to."""
    item = member_competency_of(member=member_of(user=request.user), pk=pk)
    if request.htmx:
        return _row_response(request, item)
    return redirect(_section_url(f"competency-{item.pk}"))


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MEMBER)
def competency_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    member = member_of(user=request.user)
    item = member_competency_of(member=member, pk=pk)
    form = CompetencyChangeForm(
        request.POST if request.method == "POST" else None,
        prefix=f"competency-{item.pk}",
        initial={"level": item.level, "evidence": item.evidence},
    )
    if request.method == "POST" and _write(
        form, lambda **data: services.member_competency_update(member_competency=item, **data)
    ):
        if request.htmx:
            return _row_response(request, item)
        messages.success(request, _("De competentie is bijgewerkt."))
        return redirect(_section_url(f"competency-{item.pk}"))
    if request.htmx:
        return _row_response(request, item, form)
    return render(
        request,
        TEMPLATE,
        _profile_context(
            member_profile_of(user=request.user),
            editing_pk=item.pk,
            competency_edit_form=form,
            invalid_section=f"competency-{item.pk}" if form.is_bound else None,
        ),
    )


@require_POST
@login_required
@group_required(MEMBER)
def competency_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    item = member_competency_of(member=member_of(user=request.user), pk=pk)
    services.member_competency_remove(member_competency=item)
    return _saved(
        request,
        section="competencies",
        message=_("De competentie is verwijderd."),
        fragments=["competency-list"],
    )


# --- Roles ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MEMBER)
def role_experience_update(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect(_section_url("role-experience"))
    member = member_profile_of(user=request.user)
    pairs = _role_forms(roles_active(), member, request.POST)
    valid = [form.is_valid() for _role, form in pairs]  # all of them, for all the errors
    if all(valid):
        entries = [
            services.RoleExperienceEntry(
                role, form.cleaned_data["experience"], form.cleaned_data["preference"]
            )
            for role, form in pairs
        ]
        try:
            services.member_role_experience_set(member=member, entries=entries)
        except ValidationError as error:
            add_service_errors(pairs[0][1], error)
        else:
            return _saved(
                request,
                section="role-experience",
                message=_("Je rolervaring en voorkeuren zijn opgeslagen."),
                fragments=["role-experience"],
            )
    return _invalid(
        request, member, fragment="role-experience", section="role-experience", role_forms=pairs
    )


# --- Availability, leave and learning goals ------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MEMBER)
def availability_add(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect(_section_url("availability"))
    member = member_profile_of(user=request.user)
    form = AvailabilityForm(request.POST, prefix=AVAILABILITY)
    if _write(form, lambda **data: services.availability_add(member=member, **data)):
        return _saved(
            request,
            section="availability",
            message=_("De periode is toegevoegd."),
            fragments=["availability"],
        )
    return _invalid(
        request, member, fragment="availability-add", section="availability", availability_form=form
    )


@require_POST
@login_required
@group_required(MEMBER)
def availability_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    period = availability_of(member=member_of(user=request.user), pk=pk)
    services.availability_remove(availability=period)
    return _saved(
        request,
        section="availability",
        message=_("De periode is verwijderd."),
        fragments=["availability-list"],
    )


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MEMBER)
def leave_add(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect(_section_url("leave"))
    member = member_profile_of(user=request.user)
    form = LeaveForm(request.POST, prefix=LEAVE)
    if _write(form, lambda **data: services.leave_add(member=member, **data)):
        return _saved(
            request,
            section="leave",
            message=_("Het verlof is toegevoegd."),
            fragments=["leave"],
            oob=(),
        )
    return _invalid(request, member, fragment="leave-add", section="leave", leave_form=form)


@require_POST
@login_required
@group_required(MEMBER)
def leave_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    period = leave_of(member=member_of(user=request.user), pk=pk)
    services.leave_remove(leave=period)
    return _saved(
        request,
        section="leave",
        message=_("Het verlof is verwijderd."),
        fragments=["leave-list"],
        oob=(),
    )


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MEMBER)
def learning_goal_add(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect(_section_url("learning-goals"))
    member = member_profile_of(user=request.user)
    form = LearningGoalForm(
        request.POST,
        catalogue=_without_goals(competency_catalogue(), member),
        prefix=LEARNING_GOAL,
    )
    if _write(form, lambda **data: services.learning_goal_add(member=member, **data)):
        return _saved(
            request,
            section="learning-goals",
            message=_("Het leerdoel is toegevoegd."),
            fragments=["learning-goals"],
        )
    return _invalid(
        request,
        member,
        fragment="learning-goal-add",
        section="learning-goals",
        learning_goal_form=form,
    )


@require_POST
@login_required
@group_required(MEMBER)
def learning_goal_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    goal = learning_goal_of(member=member_of(user=request.user), pk=pk)
    services.learning_goal_remove(learning_goal=goal)
    return _saved(
        request,
        section="learning-goals",
        message=_("Het leerdoel is verwijderd."),
        fragments=["learning-goal-list"],
    )
