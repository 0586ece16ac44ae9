"""Page-number pagination on every list, ``?page=2&page_size=100`` (at most 500).

A ``page`` or ``page_size`` that is not a positive whole number answers 400 naming the
parameter (a page past the end stays 404)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

_POSITIVE = forms.IntegerField(min_value=1)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        errors: dict[str, list[str]] = {}
        for name in (self.page_query_param, self.page_size_query_param):
            value = request.query_params.get(name)
            if value is None or (name == self.page_query_param and value in self.last_page_strings):
                continue
            try:
                _POSITIVE.clean(value)
            except DjangoValidationError as error:
                errors[name] = list(error.messages)
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)
