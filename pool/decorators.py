from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from pool.access import group_names


def group_required(*groups: str) -> Callable:
    """Refuse (403) users in none of the groups; use after @login_required."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if group_names(request.user).isdisjoint(groups):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
