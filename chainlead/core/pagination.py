"""Pagination of API lists: `?page=2&page_size=100`, at most MAX_PAGE_SIZE items a page.

A page beyond MAX_PAGE is refused (422) before any query: its offset would overflow the
database's integers (a 5xx on SQLite and PostgreSQL alike, issue 9 item 8).
"""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# MAX_PAGE × MAX_PAGE_SIZE rows (5·10⁸) is far beyond any list, and well inside a 64-bit offset.
MAX_PAGE = 1_000_000


class PageNumber(PageNumberPagination):
    """Ninja's page-number pagination with our page sizes; the body is {items, count}."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("page_size", PAGE_SIZE)
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)
