from __future__ import annotations

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """Every collection is paged: 50 per page by default, at most 200.

    A page size that is not a whole number from 1 to 200 is refused (400) rather than
    quietly replaced by the default, as the OpenAPI document says; "last" is no page number.
    """

    page_size = 50
    max_page_size = 200
    page_query_param = "pagina"
    page_size_query_param = "paginaGrootte"
    last_page_strings = ()

    def get_page_size(self, request) -> int:
        if self.page_size_query_param not in request.query_params:
            return self.page_size
        field = serializers.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return field.run_validation(request.query_params[self.page_size_query_param])
        except serializers.ValidationError as error:
            raise serializers.ValidationError({self.page_size_query_param: error.detail}) from None

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
