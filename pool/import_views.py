"""Bulk import and export of members for the functional administrator.

Import is two steps: the uploaded files are checked and counted (nothing changes yet), then
the administrator confirms and the same files are applied in one transaction. Between the
steps the files wait in the cache (shared by every web process) under a random key bound to
the administrator, for at most half an hour. With htmx the result replaces only its part of
the page; without, the whole page is rendered (check) or redirected to (after applying).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pool.access import ADMINISTRATOR
from pool.decorators import group_required
from pool.forms import MemberImportForm
from pool.importing import (
    AVAILABILITY,
    COLUMNS,
    COMPETENCIES,
    MEMBERS,
    ImportFileError,
    csv_bytes,
    members_export,
    members_import,
    read_files,
    xlsx_bytes,
)

TEMPLATE = "pool/import.html"
PENDING_SECONDS = 30 * 60
FIELDS = {"members": MEMBERS, "competencies": COMPETENCIES, "availability": AVAILABILITY}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_NAME = "rolpool-medewerkers.xlsx"


def _pending_key(request: HttpRequest, token: str) -> str:
    return f"member-import:{request.user.pk}:{token}"


def _page(request: HttpRequest, context: dict) -> HttpResponse:
    """The page, or with htmx only its import section (form, check result, outcome)."""
    context = {
        "form": MemberImportForm(),
        "columns": COLUMNS,
        "export_name": EXPORT_NAME,
        **context,
    }
    template = f"{TEMPLATE}#import-section" if request.htmx else TEMPLATE
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
@group_required(ADMINISTRATOR)
def member_import(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, {})
    if "token" in request.POST:
        return _apply(request, request.POST["token"])
    form = MemberImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, {"form": form})
    files = {FIELDS[name]: upload.read() for name, upload in form.cleaned_data.items() if upload}
    try:
        result = members_import(tables=read_files(files), dry_run=True)
    except ImportFileError as error:
        form.add_error("members", str(error))
        return _page(request, {"form": form})
    token = ""
    if result.ok:
        token = secrets.token_urlsafe(16)
        cache.set(_pending_key(request, token), files, PENDING_SECONDS)
    return _page(request, {"form": form, "result": result, "token": token})


def _apply(request: HttpRequest, token: str) -> HttpResponse:
    files = cache.get(_pending_key(request, token)) if token else None
    if files is None:
        return _page(
            request,
            {"expired": _("Deze controle is verlopen. Kies de bestanden opnieuw.")},
        )
    result = members_import(tables=read_files(files), by=request.user)
    if result.applied:
        cache.delete(_pending_key(request, token))
        message = _("Geïmporteerd. %(summary)s") % {"summary": result}
        if request.htmx:
            return _page(request, {"done": message})
        messages.success(request, message)
        return redirect("pool:member_import")
    # Something changed in between (another import, an edit): show the new errors.
    return _page(request, {"result": result})


@require_GET
@login_required
@group_required(ADMINISTRATOR)
def member_export(request: HttpRequest, filename: str) -> HttpResponse:
    """The members in the import layout: one table as CSV, or all as one workbook."""
    tables = members_export()
    name = filename.removesuffix(".csv")
    if filename == EXPORT_NAME:
        response = HttpResponse(xlsx_bytes(tables), content_type=XLSX_TYPE)
    elif filename.endswith(".csv") and name in tables:
        response = HttpResponse(csv_bytes(tables[name]), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
