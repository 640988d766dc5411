"""Reads of accounts."""

from django.db.models import QuerySet

from chainlead.accounts.access import access_for
from chainlead.accounts.models import ApiToken, User
from chainlead.accounts.permissions import manages_accounts
from chainlead.accounts.types import Reader


def api_token_list(*, user: Reader) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (the key is never stored, only its hash)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def user_list(*, user: Reader) -> QuerySet[User]:
    """Every account, for those who manage accounts (system administrator, city admins)."""
    if not manages_accounts(access_for(user)):
        return User.objects.none()
    return User.objects.prefetch_related("grants").order_by("username")
