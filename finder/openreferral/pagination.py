"""The Open Referral page envelope: total_items, total_pages, page_number, size, first_page, last_page, empty and
contents. ``page`` counts from 1; ``per_page`` is 1 to MAX_PER_PAGE (more is a 400, not quietly fewer).
A page after the last is an empty page, not an error."""

import math

from django import forms
from django.core.paginator import Paginator
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from finder.openreferral.filters import WholeNumberField, invalid

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000


class PageForm(forms.Form):
    page = WholeNumberField(min_value=1, max_value=MAX_PAGE, required=False)
    per_page = WholeNumberField(min_value=1, max_value=MAX_PER_PAGE, required=False)


class OpenReferralPagination(BasePagination):
    def requested(self, request) -> tuple[int, int]:
        """The page number and page size asked for."""
        form = PageForm(request.query_params)
        if not form.is_valid():
            raise invalid(form)
        return form.cleaned_data["page"] or 1, form.cleaned_data["per_page"] or DEFAULT_PER_PAGE

    def paginate_queryset(self, queryset, request, view=None) -> list:
        number, size = self.requested(request)
        return self.paginate(Paginator(queryset, size), number)

    def paginate(self, paginator: Paginator, number: int) -> list:
        """One page from any Django paginator (such as the nearest-first ``NearbyPaginator``)."""
        self.number, self.size, self.count = number, paginator.per_page, paginator.count
        self.capped = getattr(paginator, "capped", None)
        if number > paginator.num_pages:
            return []
        return list(paginator.page(number).object_list)

    def get_paginated_response(self, data) -> Response:
        total_pages = max(math.ceil(self.count / self.size), 1)
        envelope = {
            "total_items": self.count,
            "total_pages": total_pages,
            "page_number": self.number,
            "size": len(data),
            "first_page": self.number == 1,
            "last_page": self.number >= total_pages,
            "empty": not data,
            "contents": data,
        }
        if self.capped is not None:
            envelope["total_items_capped"] = self.capped
        return Response(envelope)
