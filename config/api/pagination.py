from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """Every collection is paged: 50 per page by default, at most 200."""

    page_size = 50
    max_page_size = 200
    page_query_param = "pagina"
    page_size_query_param = "paginaGrootte"
