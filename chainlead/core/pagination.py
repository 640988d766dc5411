"""Pagination of API lists: `?page=2&page_size=100`, at most MAX_PAGE_SIZE items a page."""

from typing import Any

from ninja.pagination import PageNumberPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class PageNumber(PageNumberPagination):
    """Ninja's page-number pagination with our page sizes; the body is {items, count}."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("page_size", PAGE_SIZE)
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)
