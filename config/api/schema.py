"""The published OpenAPI document and its browsable documentation."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.html import format_html
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularSwaggerSplitView,
    SpectacularYAMLAPIView,
)


class PublicSchemaMixin:
    """Readable without authentication, from any origin (API-51)."""

    authentication_classes: list = []

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class SchemaJSONView(PublicSchemaMixin, SpectacularJSONAPIView):
    pass


class SchemaYAMLView(PublicSchemaMixin, SpectacularYAMLAPIView):
    pass


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI under the site's Content-Security-Policy.

    The assets come from drf-spectacular-sidecar (our own static files) and the start-up
    script is a separate same-origin request (`?script`), so no inline script is needed;
    the page is written here without the stock template's inline <style> block, which
    `style-src 'self'` would refuse.
    """

    url_name = "api-schema-json"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if request.GET.get("script") is not None:
            return super().get(request, *args, **kwargs)
        return HttpResponse(
            format_html(
                '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<title>{}</title>"
                '<link rel="icon" href="{}"><link rel="stylesheet" href="{}">'
                '</head><body><div id="swagger-ui"></div>'
                '<script src="{}"></script><script src="{}"></script>'
                '<script src="{}"></script></body></html>',
                self.title,
                self._swagger_ui_favicon(),
                self._swagger_ui_resource("swagger-ui.css"),
                self._swagger_ui_resource("swagger-ui-bundle.js"),
                self._swagger_ui_resource("swagger-ui-standalone-preset.js"),
                f"{request.path}?script=",
            )
        )


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Een fout volgens RFC 9457 (application/problem+json).",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["name", "code", "reason"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}
ERROR_RESPONSES = {
    "400": "De invoer is ongeldig; invalidParams noemt elk ongeldig veld.",
    "401": "Niet ingelogd: stuur een token (Authorization: Token ...).",
    "403": "Deze gebruiker mag dit niet.",
    "404": "Niet gevonden, of niet zichtbaar voor deze gebruiker.",
    "500": "Er ging iets mis aan de kant van de server.",
}


def problem_responses(result: dict, generator, request, public) -> dict:
    """Document the problem+json answers every operation can give (a drf-spectacular
    post-processing hook), and give the documented 409s their body."""
    from config.api.problems import PROBLEM_CONTENT_TYPE

    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in result.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status[0] in "45" and "content" not in response:
                    response["content"] = content
    return result


# What Django and DRF refuse in any text, and so what the document must say: a NUL character
# (PostgreSQL cannot store one); and, where a text is required, one of nothing but spaces
# (it is stripped to nothing). JSON Schema has no words for that but a pattern.
TEXT = r"^[^\x00]*$"
FILLED_TEXT = r"^[^\x00]*[^\x00\s][^\x00]*$"


def _constrain_text(schema: dict) -> None:
    """Give a plain text schema (no format, choices or pattern of its own) its pattern."""
    if schema.get("type") != "string" or {"format", "enum", "pattern"} & schema.keys():
        return
    schema["pattern"] = FILLED_TEXT if schema.get("minLength", 0) > 0 else TEXT


def _constrain_texts_in(schema: dict) -> None:
    _constrain_text(schema)
    for nested in schema.get("properties", {}).values():
        _constrain_texts_in(nested)
    for key in ("oneOf", "anyOf", "allOf"):
        for nested in schema.get(key, []):
            _constrain_texts_in(nested)
    if isinstance(schema.get("items"), dict):
        _constrain_texts_in(schema["items"])


def text_patterns(result: dict, generator, request, public) -> dict:
    """The text a request may carry, in bodies and query parameters (a drf-spectacular
    post-processing hook). Request bodies are the `…Request` components
    (COMPONENT_SPLIT_REQUEST); what the API answers is left as it is."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _constrain_texts_in(component)
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    _constrain_texts_in(parameter["schema"])
    return result
