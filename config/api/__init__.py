"""The REST API for integrations under /api/v1/: shared pieces and the URL configuration.

Each app keeps its serializers and viewsets in its own `api.py`; this package holds what
they share (errors, pagination, versioning, the OpenAPI document) and the router.
"""
