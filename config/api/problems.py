"""Errors as application/problem+json (RFC 9457), as the NLGov API Design Rules ask.

Every error the API answers has `type`, `title`, `status` and `detail`; a 400 also lists
every invalid field at once in `invalidParams` (`name` in the API's camelCase, `code`,
`reason`), so an integrator can fix a request in one go.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from config.concurrency import CONFLICT

PROBLEM_CONTENT_TYPE = "application/problem+json"
logger = logging.getLogger("django.request")


class PreconditionFailed(exceptions.APIException):
    """The object changed since the version that If-Match names (412)."""

    status_code = HTTPStatus.PRECONDITION_FAILED
    default_detail = _("Dit is intussen gewijzigd; haal het opnieuw op.")
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    """The request is valid but the state of the resource refuses it (409)."""

    status_code = HTTPStatus.CONFLICT
    default_detail = _("Dit kan niet in de huidige toestand.")
    default_code = "conflict"


def _invalid_params(detail: Any, prefix: str = "") -> Iterator[dict[str, str]]:
    """Flatten DRF's nested error detail into {name, code, reason} entries.

    Nested names are joined with dots (`competenties.0.minimumniveau`).
    """
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            yield from _invalid_params(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, Mapping | list):
                yield from _invalid_params(value, f"{prefix}.{index}" if prefix else str(index))
            else:
                yield from _invalid_params(value, prefix)
    else:
        yield {
            "name": prefix or "nonFieldErrors",
            "code": getattr(detail, "code", None) or "invalid",
            "reason": str(detail),
        }


def problem(
    *,
    status: int,
    detail: str,
    code: str,
    instance: str | None = None,
    invalid_params: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        # "about:blank": the status says it all, so `title` is the status's own phrase.
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if invalid_params is not None:
        body["invalidParams"] = invalid_params
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with its answer rewritten as a problem document."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return server_error(exc, context)
    request = context.get("request")
    instance = request.get_full_path() if request is not None else None
    if isinstance(exc, exceptions.ValidationError):
        invalid = list(_invalid_params(exc.detail))
        body = problem(
            status=response.status_code,
            detail=str(_("De invoer is ongeldig; zie invalidParams.")),
            code="invalid",
            instance=instance,
            invalid_params=invalid,
        )
    else:
        detail = getattr(exc, "detail", None)
        if isinstance(exc, Http404):
            detail, code = _("Niet gevonden."), "not_found"
        else:
            code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = problem(
            status=response.status_code,
            detail=str(detail if detail is not None else HTTPStatus(response.status_code).phrase),
            code=code,
            instance=instance,
        )
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def server_error(exc: Exception, context: dict[str, Any]) -> Response:
    """An unexpected error: logged with its traceback as Django would, answered as a
    problem document that tells nothing about the inside."""
    request = context.get("request")
    logger.error(
        "Internal Server Error: %s",
        request.path if request is not None else "?",
        exc_info=exc,
        extra={"status_code": 500, "request": getattr(request, "_request", None)},
    )
    response = Response(
        problem(
            status=500,
            detail=str(_("Er ging iets mis aan onze kant. Probeer het later opnieuw.")),
            code="server_error",
            instance=request.get_full_path() if request is not None else None,
        ),
        status=500,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    response._has_been_logged = True  # once, with the traceback, above
    set_rollback()  # as DRF does for the errors it handles: nothing half-written stays
    return response


@csrf_exempt  # changes nothing; a POST to a wrong path is a 404, not a CSRF failure
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under /api/v1/, including one with a trailing slash (API-48)."""
    return JsonResponse(
        problem(
            status=404,
            detail=str(_("Niet gevonden.")),
            code="not_found",
            instance=request.get_full_path(),
        ),
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def field_names(serializer: serializers.Serializer) -> dict[str, str]:
    """Model field name → API field name, from the serializer's `source`s."""
    names = {}
    for name, field in serializer.fields.items():
        source = field.source if field.source != "*" else name
        names[source.split(".")[0]] = name
    return names


def api_errors(
    serializer: serializers.Serializer, errors: Mapping[str, Iterable[DjangoValidationError]]
) -> dict[str, list[serializers.ErrorDetail]]:
    """Django's errors keyed by model or form field name, as DRF's keyed by API name."""
    names = field_names(serializer)
    return {
        names.get(field, "nonFieldErrors" if field == NON_FIELD_ERRORS else field): [
            serializers.ErrorDetail(message, code=error.code or "invalid")
            for error in field_errors
            for message in error.messages
        ]
        for field, field_errors in errors.items()
    }


@contextmanager
def service_errors(serializer: serializers.Serializer) -> Iterator[None]:
    """Turn a service's ValidationError (keyed by model field) into a 400 in API names; a
    refused edit of a version that is no longer stored (If-Match) into a 412."""
    try:
        yield
    except DjangoValidationError as error:
        stale = getattr(error, "error_dict", {}).get(NON_FIELD_ERRORS, [])
        if any(e.code == CONFLICT for e in stale):
            raise PreconditionFailed from error
        if hasattr(error, "error_dict"):
            detail = api_errors(serializer, error.error_dict)
        else:
            detail = {"nonFieldErrors": error.messages}
        raise exceptions.ValidationError(detail) from error
