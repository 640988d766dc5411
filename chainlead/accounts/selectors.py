"""Reads of accounts."""

from typing import Any

from django.db.models import QuerySet

from chainlead.accounts.models import ApiToken


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (the key is never stored, only its hash)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)
