from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pool.selectors import member_profile_of


@require_GET
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    member = member_profile_of(user=request.user)
    return render(request, "pool/profile.html", {"member": member})
