"""Errors services raise; views and the API turn them into messages and status codes."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied


class PermissionDenied(DjangoPermissionDenied):
    """The actor may not do this."""


class ConcurrentEditError(Exception):
    """Someone else saved the object after this edit began; nothing was written."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "This record was changed by someone else. Reload it and apply your edit again."
        )
