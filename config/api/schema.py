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
