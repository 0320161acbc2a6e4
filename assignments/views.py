from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assignments.selectors import open_role_requests_for_advisor, opgaven_visible_to
from pool.access import HR_ADVISOR, MANAGER
from pool.decorators import group_required

PAGE_SIZE = 25


@require_GET
@login_required
@group_required(MANAGER, HR_ADVISOR)
def opgave_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(opgaven_visible_to(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(request, "assignments/opgave_list.html", {"page": page})


@require_GET
@login_required
@group_required(HR_ADVISOR)
def board(request: HttpRequest) -> HttpResponse:
    page = Paginator(open_role_requests_for_advisor(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(request, "assignments/board.html", {"page": page})
