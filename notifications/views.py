"""Meldingen: the user's own notifications, marking them read, and which come by e-mail
in which language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from notifications import selectors
from notifications.forms import PreferenceForm
from notifications.messages import text_of
from notifications.services import (
    notification_mark_read,
    notification_preference_update,
    notifications_mark_all_read,
)

PAGE_SIZE = 25


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "items": [(n, text_of(n)) for n in page.object_list],
            "unread": selectors.unread_count(user=request.user),
        },
    )


@require_GET
@login_required
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The unread count in the header, reloaded by htmx when the list marks notifications
    read (every page renders the count itself, see notifications/templatetags/unread.py)."""
    response = render(
        request,
        "notifications/list.html#unread-badge",
        {"unread": selectors.unread_count(user=request.user)},
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@login_required
def mark_read(request: HttpRequest, uuid) -> HttpResponse:
    notification = notification_mark_read(
        notification=selectors.notification_of(user=request.user, uuid=uuid)
    )
    if request.htmx:
        # The notification, and the page's unread summary out of band.
        response = render(
            request,
            "notifications/read.html",
            {
                "notification": notification,
                "text": text_of(notification),
                "unread": selectors.unread_count(user=request.user),
            },
        )
        # The header's count follows: it listens for this event.
        return trigger_client_event(response, "notifications-read")
    return redirect("notifications:list")


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    messages.success(request, _("Alle meldingen zijn als gelezen gemarkeerd."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The language of e-mail, and which kinds of notification also come by e-mail."""
    # Not `request.POST or None`: a form posted with every box unticked is still posted.
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        instance=selectors.preference_of(user=request.user),
        kinds=selectors.email_kinds_for(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        notification_preference_update(
            user=request.user,
            language=form.cleaned_data["language"],
            email=form.chosen_email(),
        )
        messages.success(request, _("Je voorkeur voor meldingen is opgeslagen."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
