"""Reads of accounts."""

from django.db.models import QuerySet

from chainlead.accounts.models import ApiToken
from chainlead.accounts.types import Reader


def api_token_list(*, user: Reader) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (the key is never stored, only its hash)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)
