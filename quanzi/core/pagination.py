"""Pagination for every list: `page` (1-based) and `page_size` (≤ 100)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class PageNumber(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="页码，从 1 开始（最多 1,000,000）")
        page_size: int = Field(20, ge=1, le=100, description="每页条数（最多 100）")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int
        has_next: bool

    items_attribute = "items"

    def paginate_queryset(self, queryset: QuerySet, pagination: Any, request: Any = None,  # type: ignore[override]
                          **params: Any) -> dict[str, Any]:
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        start = (pagination.page - 1) * pagination.page_size
        items = list(queryset[start : start + pagination.page_size])
        return {
            "items": items,
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "has_next": start + len(items) < count,
        }
