"""REST API of the accounts app (mounted under /api/v1/accounts/ by config/api.py)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from chainlead.accounts import selectors, services
from chainlead.accounts.access import access_for
from chainlead.accounts.models import User
from chainlead.accounts.permissions import manages_accounts
from chainlead.accounts.schemas import ActiveIn, MeOut, PasswordIn, UserIn, UserOut
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.pagination import PageNumber

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    """The authenticated user and their role grants (a superuser is a city admin)."""
    user: Any = request.user
    grants = [
        {
            "role": g.role,
            "chain": g.chain.slug if g.chain else None,
            "district": g.district_id,
            "enterprise": g.enterprise_id,
        }
        for g in user.grants.select_related("chain")
    ]
    if user.is_superuser and not any(g["role"] == "city_admin" for g in grants):
        grants.insert(0, {"role": "city_admin"})
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": str(user),
        "roles": grants,
    }


def _require_account_manager(request: HttpRequest) -> None:
    if not manages_accounts(access_for(request.user)):
        raise PermissionDenied("Only system administrators and city admins manage accounts.")


@router.get("/users", response=list[UserOut])
@paginate(PageNumber)
def user_list(request: HttpRequest) -> Any:
    """Every account (system administrator, city admins)."""
    _require_account_manager(request)
    return selectors.user_list(user=request.user)


@router.post("/users", response={201: UserOut})
def user_create(request: HttpRequest, payload: UserIn) -> Status[User]:
    """Create an account with a temporary password, changed at the first log-in; audited."""
    _require_account_manager(request)
    user = services.user_create(actor=request.user, **payload.dict(), must_change_password=True)
    return Status(201, user)


@router.post("/users/{user_id}/active", response=UserOut)
def user_active(request: HttpRequest, user_id: int, payload: ActiveIn) -> User:
    """Deactivate or reactivate an account; audited."""
    _require_account_manager(request)
    user = get_object_or_404(selectors.user_list(user=request.user), pk=user_id)
    return services.user_set_active(actor=request.user, user=user, active=payload.active)


@router.post("/users/{user_id}/password", response=UserOut)
def user_password(request: HttpRequest, user_id: int, payload: PasswordIn) -> User:
    """Set a temporary password that must be changed at the next log-in; audited."""
    _require_account_manager(request)
    user = get_object_or_404(selectors.user_list(user=request.user), pk=user_id)
    return services.user_password_reset(actor=request.user, user=user, password=payload.password)
