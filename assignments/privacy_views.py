"""Privacy (AVG/GDPR) pages: a member downloads their data; an administrator anonymises."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assignments.privacy_selectors import member_data_export, member_for_administrator
from assignments.privacy_services import PrivacyError, member_anonymise
from pool.access import ADMINISTRATOR, MEMBER
from pool.decorators import group_required
from pool.selectors import member_of


@require_GET
@login_required
@group_required(MEMBER)
def my_data(request: HttpRequest) -> HttpResponse:
    return render(
        request, "assignments/privacy/my_data.html", {"member": member_of(user=request.user)}
    )


@require_GET
@login_required
@group_required(MEMBER)
def my_data_download(request: HttpRequest) -> HttpResponse:
    """Everything held about the member, as a JSON file (AVG art. 15 and 20)."""
    data = member_data_export(member=member_of(user=request.user))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"rolpool-mijn-gegevens-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
@group_required(ADMINISTRATOR)
def member_anonymise_confirm(request: HttpRequest, uuid) -> HttpResponse:
    """Explain what anonymising does, and do it only once the administrator confirms."""
    member = member_for_administrator(user=request.user, uuid=uuid)
    error = None
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            error = _("Vink aan dat je begrijpt dat dit niet ongedaan kan worden gemaakt.")
        else:
            try:
                member_anonymise(member=member, by=request.user)
            except PrivacyError as refused:
                error = str(refused)
            else:
                messages.success(request, _("De medewerker is geanonimiseerd."))
                return redirect("admin:pool_member_changelist")
    return render(
        request,
        "assignments/privacy/member_anonymise.html",
        {"member": member, "error": error},
        status=400 if error else 200,
    )
