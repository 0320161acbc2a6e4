"""Pages for opgaven: the lists, and the manager's own opgaven with their role requests.

Views are thin: form → service → render or redirect. Every HTMX request gets a fragment
(a template partial named after the DOM id it replaces); the same URL without HTMX gets
a whole page, and a plain POST is answered with a redirect.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from assignments import selectors, services
from assignments.forms import (
    CopyForm,
    NeedFormSet,
    OpgaveEditForm,
    OpgaveFilterForm,
    OpgaveForm,
    ReasonForm,
    RoleRequestEditForm,
    RoleRequestForm,
    need_initial,
    role_request_initial,
)
from assignments.models import Opgave, OpgaveLogEntry, RoleRequest
from assignments.services import LogAction, OpgaveError
from config.concurrency import version_of
from config.forms import add_service_errors
from pool.access import HR_ADVISOR, MANAGER, group_names
from pool.decorators import group_required

PAGE_SIZE = 25
HISTORY_ON_PAGE = 10
DETAIL = "assignments/opgave_detail.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------


@require_GET
@login_required
@group_required(MANAGER, HR_ADVISOR)
def opgave_list(request: HtmxHttpRequest) -> HttpResponse:
    """Mijn opgaven: filtered by status and organisation, searched in title and description.

    With HTMX only the results are sent (the filter form stays as the user left it).
    """
    form = OpgaveFilterForm(
        request.GET,
        organisations=selectors.organisations_of_visible_opgaven(user=request.user),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    opgaven = selectors.opgaven_filtered(
        user=request.user,
        status=filters.get("status", ""),
        organisation_id=filters.get("organisatie"),
        search=filters.get("zoek", ""),
    )
    page = Paginator(opgaven, PAGE_SIZE).get_page(request.GET.get("pagina"))
    context = {
        "page": page,
        "filter_form": form,
        "filtered": any(filters.values()),
        "is_manager": MANAGER in group_names(request.user),
    }
    # A history restore (back button, cache miss) wants the whole page again.
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "assignments/opgave_list.html#opgave-results", context)
    else:
        response = render(request, "assignments/opgave_list.html", context)
    # The same URL answers a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


# --------------------------------------------------------------------------------------
# Creating and changing an opgave
# --------------------------------------------------------------------------------------


def _opgave_form_page(
    request: HtmxHttpRequest, form: OpgaveForm, opgave: Opgave | None
) -> HttpResponse:
    if request.htmx and request.method == "GET":
        # The classification questions changed: only the advice is sent back.
        response = render(
            request, "assignments/opgave_form.html#classification-advice", {"form": form}
        )
    else:
        response = render(request, "assignments/opgave_form.html", {"form": form, "opgave": opgave})
    patch_vary_headers(response, ("HX-Request",))
    return response


def _classification_initial(request: HttpRequest) -> dict[str, str]:
    """Answers sent by the advice request (or typed into the URL): shown, not saved."""
    return {
        name: request.GET[name]
        for name in ("predictability", "complexity")
        if request.GET.get(name)
    }


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MANAGER)
def opgave_create(request: HtmxHttpRequest) -> HttpResponse:
    organisations = selectors.organisations_for_new_opgave(user=request.user)
    if request.method == "POST":
        form = OpgaveForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                opgave = services.opgave_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            except OpgaveError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "De opgave is opgeslagen als concept. Vraag nu de rollen aan die ze "
                        "nodig heeft, en open haar dan."
                    ),
                )
                return redirect("assignments:opgave_detail", uuid=opgave.uuid)
    else:
        form = OpgaveForm(initial=_classification_initial(request), organisations=organisations)
    return _opgave_form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MANAGER)
def opgave_update(request: HtmxHttpRequest, uuid: UUID) -> HttpResponse:
    opgave = selectors.opgave_owned(user=request.user, uuid=uuid)
    if opgave.status not in services.CHANGEABLE_STATUSES:
        messages.error(request, _("Een afgeronde of geannuleerde opgave kun je niet wijzigen."))
        return redirect("assignments:opgave_detail", uuid=opgave.uuid)
    organisations = selectors.organisations_for_new_opgave(user=request.user, keep=opgave)
    version = version_of(opgave)
    if request.method == "POST":
        form = OpgaveEditForm(request.POST, organisations=organisations, version=version)
        if form.is_valid():
            try:
                services.opgave_update(opgave=opgave, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            except OpgaveError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("De gegevens van de opgave zijn opgeslagen."))
                return redirect("assignments:opgave_detail", uuid=opgave.uuid)
    else:
        initial = {
            name: getattr(opgave, name)
            for name in (
                "title",
                "description",
                "start",
                "end",
                "predictability",
                "complexity",
                "governance",
            )
        }
        initial["organisation"] = opgave.organisation_id
        form = OpgaveEditForm(
            initial={**initial, **_classification_initial(request)},
            organisations=organisations,
            version=version,
        )
    return _opgave_form_page(request, form, opgave)


@require_POST
@login_required
@group_required(MANAGER)
def opgave_open(request: HttpRequest, uuid: UUID) -> HttpResponse:
    opgave = selectors.opgave_owned(user=request.user, uuid=uuid)
    try:
        services.opgave_open(opgave=opgave, by=request.user)
    except OpgaveError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("De opgave is open. HR zoekt nu mensen bij de rolvragen; je volgt het hier."),
        )
    return redirect("assignments:opgave_detail", uuid=opgave.uuid)


def _action_page(
    request: HttpRequest, opgave: Opgave, form: Form, *, heading: str, intro: str, submit: str
) -> HttpResponse:
    return render(
        request,
        "assignments/opgave_action.html",
        {"opgave": opgave, "form": form, "heading": heading, "intro": intro, "submit": submit},
    )


def _close_view(request: HttpRequest, uuid: UUID, *, complete: bool) -> HttpResponse:
    opgave = selectors.opgave_owned(user=request.user, uuid=uuid)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        close = services.opgave_complete if complete else services.opgave_cancel
        try:
            close(opgave=opgave, by=request.user, reason=form.cleaned_data["reason"])
        except OpgaveError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("De opgave is afgerond.") if complete else _("De opgave is geannuleerd."),
            )
            return redirect("assignments:opgave_detail", uuid=opgave.uuid)
    if complete:
        return _action_page(
            request,
            opgave,
            form,
            heading=_("Opgave afronden"),
            intro=_(
                "Bevestigde inzet wordt afgerond; voorstellen en geaccepteerde inzet "
                "worden ingetrokken. Waarom rond je de opgave af?"
            ),
            submit=_("Opgave afronden"),
        )
    return _action_page(
        request,
        opgave,
        form,
        heading=_("Opgave annuleren"),
        intro=_(
            "Alle inzet op deze opgave wordt ingetrokken, zodat de uren van de mensen "
            "weer vrijkomen. Waarom annuleer je de opgave?"
        ),
        submit=_("Opgave annuleren"),
    )


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MANAGER)
def opgave_complete(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _close_view(request, uuid, complete=True)


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MANAGER)
def opgave_cancel(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _close_view(request, uuid, complete=False)


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MANAGER)
def opgave_copy(request: HttpRequest, uuid: UUID) -> HttpResponse:
    opgave = selectors.opgave_owned(user=request.user, uuid=uuid)
    form = CopyForm(
        request.POST or None, initial={"start": max(opgave.start, timezone.localdate())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.opgave_copy(
                opgave=opgave, by=request.user, start=form.cleaned_data["start"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except OpgaveError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Dit is de kopie, als concept. Er is nog niemand op ingezet."),
            )
            return redirect("assignments:opgave_detail", uuid=copy.uuid)
    return _action_page(
        request,
        opgave,
        form,
        heading=_("Opgave kopiëren"),
        intro=_(
            "De kopie krijgt dezelfde gegevens en rolvragen, met hun competenties. Er wordt "
            "niemand op ingezet; de kopie begint als concept."
        ),
        submit=_("Kopie maken"),
    )


# --------------------------------------------------------------------------------------
# The opgave page and its role requests
# --------------------------------------------------------------------------------------

ACTION_LABELS = {
    LogAction.CREATED: gettext_lazy("Opgave aangemaakt als concept"),
    LogAction.COPIED: gettext_lazy("Opgave aangemaakt als kopie van ‘%(source)s’"),
    LogAction.UPDATED: gettext_lazy("Gegevens van de opgave gewijzigd"),
    LogAction.OPENED: gettext_lazy("Opgave geopend"),
    LogAction.STARTED: gettext_lazy("Opgave in uitvoering: de eerste inzet is bevestigd"),
    LogAction.COMPLETED: gettext_lazy("Opgave afgerond"),
    LogAction.CANCELLED: gettext_lazy("Opgave geannuleerd"),
    LogAction.ROLE_REQUEST_ADDED: gettext_lazy("Rolvraag toegevoegd: %(role)s"),
    LogAction.ROLE_REQUEST_CHANGED: gettext_lazy("Rolvraag gewijzigd: %(role)s"),
    LogAction.ROLE_REQUEST_REMOVED: gettext_lazy("Rolvraag verwijderd: %(role)s"),
    LogAction.ROLE_REQUEST_WITHDRAWN: gettext_lazy("Rolvraag ingetrokken: %(role)s"),
    LogAction.ROLE_REQUEST_FILLED: gettext_lazy("Rolvraag bezet: %(role)s"),
    LogAction.ROLE_REQUEST_REOPENED: gettext_lazy("Rolvraag weer open: %(role)s"),
}


def _in_language(value: Any) -> str:
    """A stored catalogue name ({"nl": …, "en": …}) in the active language."""
    if isinstance(value, dict):
        language = "en" if (get_language() or "nl").startswith("en") else "nl"
        return str(value.get(language) or value.get("nl") or "")
    return str(value or "")


def _shown(model: type, name: str, value: Any) -> str:
    """A value as stored by the history (services._loggable), for people to read."""
    if value in (None, ""):
        return "–"
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if name in ("start", "end"):
        return date_format(date.fromisoformat(value), "j M Y")
    return _in_language(value)


def _describe(entry: OpgaveLogEntry) -> dict[str, Any]:
    """What a history row says: a sentence, the changed fields, and the reason."""
    data = entry.data or {}
    label = ACTION_LABELS.get(entry.action)
    what = (
        str(label) % {"role": _in_language(data.get("role")), "source": data.get("source_title")}
        if label
        else entry.action
    )
    model = RoleRequest if entry.action == LogAction.ROLE_REQUEST_CHANGED else Opgave
    details = []
    for name, (old, new) in (data.get("changes") or {}).items():
        if name == "needs":
            details.append(_("Gevraagde competenties aangepast"))
            continue
        try:
            label_of_field = capfirst(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a field since removed: show its code
            label_of_field = name
        details.append(f"{label_of_field}: {_shown(model, name, old)} → {_shown(model, name, new)}")
    actor = entry.actor
    return {
        "entry": entry,
        "who": (actor.get_full_name() or actor.get_username()) if actor else _("onbekend"),
        "what": what,
        "details": details,
    }


def _role_request_forms(
    *,
    opgave: Opgave,
    data: Any = None,
    prefix: str,
    roles: list,
    competencies: list,
    role_request: RoleRequest | None = None,
    fixed: bool = False,
) -> tuple[RoleRequestForm, Any]:
    """The form for one role request and, unless its terms are fixed, its competencies."""
    if role_request is not None:
        initial = role_request_initial(role_request)
        needs_initial = need_initial(role_request)
    else:
        initial = {
            "start": opgave.start,
            "end": opgave.end,
            "hours_per_week": services.CORE_ROLE_HOURS,
        }
        needs_initial = []
    form = (
        RoleRequestForm(data, prefix=prefix, initial=initial, roles=roles, fixed=fixed)
        if role_request is None
        else RoleRequestEditForm(
            data,
            prefix=prefix,
            initial=initial,
            roles=roles,
            fixed=fixed,
            version=version_of(role_request),
        )
    )
    if role_request is not None and data is None:
        form.focus_first()  # an edit form was asked for: the user wants to type in it
    formset = (
        None
        if fixed
        else NeedFormSet(
            data,
            prefix=f"{prefix}-competenties",
            initial=needs_initial,
            competencies=competencies,
        )
    )
    return form, formset


def _detail_context(
    request: HttpRequest,
    opgave: Opgave,
    *,
    add_forms: tuple | None = None,
    editing: RoleRequest | None = None,
    edit_forms: tuple | None = None,
    error: str = "",
) -> dict[str, Any]:
    role_requests = list(selectors.role_requests_of(opgave=opgave))
    history = list(selectors.opgave_history(opgave=opgave)[: HISTORY_ON_PAGE + 1])
    is_owner = opgave.owner_id == request.user.pk and MANAGER in group_names(request.user)
    can_change = is_owner and opgave.status in services.CHANGEABLE_STATUSES
    context = {
        "opgave": opgave,
        "role_requests": role_requests,
        "team": selectors.team_composition(
            opgave=opgave, role_requests=role_requests, roles=selectors.core_roles()
        ),
        "history": [_describe(entry) for entry in history[:HISTORY_ON_PAGE]],
        "more_history": len(history) > HISTORY_ON_PAGE,
        "is_owner": is_owner,
        "is_hr": HR_ADVISOR in group_names(request.user),
        "can_change": can_change,
        "can_complete": is_owner
        and opgave.status in (Opgave.Status.OPEN, Opgave.Status.IN_PROGRESS),
        "editing": editing,
        "edit_forms": edit_forms,
        "error": error,
    }
    if can_change:
        if add_forms is None:
            add_forms = _role_request_forms(
                prefix="nieuw",
                roles=selectors.role_choices(),
                competencies=selectors.competency_choices(),
                opgave=opgave,
            )
        context["add_forms"] = add_forms
    return context


@require_GET
@login_required
@group_required(MANAGER, HR_ADVISOR)
def opgave_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    opgave = selectors.opgave_visible(user=request.user, uuid=uuid)
    return render(request, DETAIL, _detail_context(request, opgave))


@require_GET
@login_required
@group_required(MANAGER, HR_ADVISOR)
def opgave_history(request: HttpRequest, uuid: UUID) -> HttpResponse:
    opgave = selectors.opgave_visible(user=request.user, uuid=uuid)
    page = Paginator(selectors.opgave_history(opgave=opgave), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "assignments/opgave_history.html",
        {"opgave": opgave, "page": page, "history": [_describe(e) for e in page.object_list]},
    )


def _role_requests_response(request: HtmxHttpRequest, opgave: Opgave, **state: Any) -> HttpResponse:
    """The role requests as they are now, in the state given (a form open, an error).

    HTMX gets the #role-requests fragment; without HTMX the whole opgave page is sent.
    """
    context = _detail_context(request, opgave, **state)
    if request.htmx:
        return render(request, f"{DETAIL}#role-requests", context)
    return render(request, DETAIL, context)


def _changed(
    request: HtmxHttpRequest, opgave: Opgave, notice: str, anchor: str = "role-requests"
) -> HttpResponse:
    """After a change to the role requests: with HTMX the fresh fragment, with the team
    check, the history and the notice swapped out of band; without, a redirect."""
    if not request.htmx:
        messages.success(request, notice)
        return redirect(
            reverse("assignments:opgave_detail", kwargs={"uuid": opgave.uuid}) + f"#{anchor}"
        )
    context = _detail_context(request, opgave)
    fragments = [
        render_to_string(f"{DETAIL}#role-requests", context, request=request),
        render_to_string(f"{DETAIL}#team-check", {**context, "oob": True}, request=request),
        render_to_string(f"{DETAIL}#history", {**context, "oob": True}, request=request),
        render_to_string(
            f"{DETAIL}#notice", {**context, "oob": True, "notice": notice}, request=request
        ),
    ]
    return HttpResponse("".join(fragments))


def _refused(request: HtmxHttpRequest, opgave: Opgave, error: OpgaveError) -> HttpResponse:
    if request.htmx:
        return _role_requests_response(request, opgave, error=str(error))
    messages.error(request, str(error))
    return redirect(
        reverse("assignments:opgave_detail", kwargs={"uuid": opgave.uuid}) + "#role-requests"
    )


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MANAGER)
def role_request_create(request: HtmxHttpRequest, uuid: UUID) -> HttpResponse:
    """POST adds a role request. GET sends the role requests as they are (HTMX: the
    fragment, e.g. to close an edit form; otherwise back to the opgave page)."""
    opgave = selectors.opgave_owned(user=request.user, uuid=uuid)
    if request.method == "GET":
        if request.htmx:
            return _role_requests_response(request, opgave)
        return redirect(
            reverse("assignments:opgave_detail", kwargs={"uuid": opgave.uuid}) + "#role-requests"
        )
    form, formset = _role_request_forms(
        data=request.POST,
        prefix="nieuw",
        roles=selectors.role_choices(),
        competencies=selectors.competency_choices(),
        opgave=opgave,
    )
    if form.is_valid() and formset.is_valid():
        try:
            role_request = services.role_request_create(
                opgave=opgave, by=request.user, needs=formset.needs(), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except OpgaveError as error:
            return _refused(request, opgave, error)
        else:
            return _changed(
                request,
                opgave,
                _("Rolvraag %(role)s toegevoegd.") % {"role": role_request.role},
                anchor=f"rolvraag-{role_request.uuid}",
            )
    return _role_requests_response(request, opgave, add_forms=(form, formset))


@require_POST
@login_required
@group_required(MANAGER)
def role_requests_core(request: HtmxHttpRequest, uuid: UUID) -> HttpResponse:
    """Vraag de vijf kernrollen aan: one request per core role not yet requested."""
    opgave = selectors.opgave_owned(user=request.user, uuid=uuid)
    try:
        created = services.opgave_request_core_roles(opgave=opgave, by=request.user)
    except OpgaveError as error:
        return _refused(request, opgave, error)
    notice = ngettext(
        "%(count)s kernrol aangevraagd. Pas uren, periode en competenties aan waar nodig.",
        "%(count)s kernrollen aangevraagd. Pas uren, periode en competenties aan waar nodig.",
        len(created),
    ) % {"count": len(created)}
    return _changed(request, opgave, notice)


@require_http_methods(["GET", "POST"])
@login_required
@group_required(MANAGER)
def role_request_update(request: HtmxHttpRequest, uuid: UUID, role_request: UUID) -> HttpResponse:
    opgave = selectors.opgave_owned(user=request.user, uuid=uuid)
    item = selectors.role_request_of(opgave=opgave, uuid=role_request)
    if item.status == RoleRequest.Status.WITHDRAWN or opgave.status not in (
        services.CHANGEABLE_STATUSES
    ):
        return _refused(request, opgave, OpgaveError(_("Deze rolvraag kan niet meer wijzigen.")))
    fixed = selectors.role_request_is_fixed(role_request=item)
    form, formset = _role_request_forms(
        data=request.POST if request.method == "POST" else None,
        prefix="wijzig",
        roles=selectors.role_choices(),
        competencies=selectors.competency_choices(),
        opgave=opgave,
        role_request=item,
        fixed=fixed,
    )
    if request.method == "POST" and form.is_valid() and (fixed or formset.is_valid()):
        needs = (
            [
                services.CompetencyNeed(n.competency_id, n.min_level, n.required)
                for n in item.competency_needs.all()
            ]
            if fixed
            else formset.needs()
        )
        try:
            services.role_request_update(
                role_request=item, by=request.user, needs=needs, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except OpgaveError as error:
            form.add_error(None, str(error))
        else:
            return _changed(
                request,
                opgave,
                _("Rolvraag %(role)s opgeslagen.") % {"role": form.cleaned_data["role"]},
                anchor=f"rolvraag-{item.uuid}",
            )
    return _role_requests_response(request, opgave, editing=item, edit_forms=(form, formset))


@require_POST
@login_required
@group_required(MANAGER)
def role_request_remove(request: HtmxHttpRequest, uuid: UUID, role_request: UUID) -> HttpResponse:
    opgave = selectors.opgave_owned(user=request.user, uuid=uuid)
    item = selectors.role_request_of(opgave=opgave, uuid=role_request)
    try:
        kept = services.role_request_remove(
            role_request=item, by=request.user, reason=request.POST.get("reden", "")
        )
    except OpgaveError as error:
        return _refused(request, opgave, error)
    if kept is None:
        notice = _("Rolvraag %(role)s verwijderd.") % {"role": item.role}
    else:
        notice = _("Rolvraag %(role)s ingetrokken; voorstellen erop zijn ingetrokken.") % {
            "role": item.role
        }
    return _changed(request, opgave, notice)


@require_GET
@login_required
@group_required(MANAGER, HR_ADVISOR)
def role_request_match_status(
    request: HtmxHttpRequest, uuid: UUID, role_request: UUID
) -> HttpResponse:
    """Polled while a request's matches are being recomputed; stops once they are current."""
    opgave = selectors.opgave_visible(user=request.user, uuid=uuid)
    item = selectors.role_request_of(opgave=opgave, uuid=role_request)
    if not request.htmx:
        return redirect(
            reverse("assignments:opgave_detail", kwargs={"uuid": opgave.uuid})
            + f"#rolvraag-{item.uuid}"
        )
    return render(
        request, f"{DETAIL}#match-status", {"opgave": opgave, "item": item, "polled": True}
    )
