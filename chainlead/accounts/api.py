"""REST API of the accounts app (mounted under /api/v1/accounts/ by config/api.py)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from chainlead.accounts.schemas import MeOut

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
