"""Typed shapes of the accounts API."""

from ninja import Schema


class RoleGrantOut(Schema):
    role: str
    chain: str | None = None
    district: int | None = None
    enterprise: int | None = None


class MeOut(Schema):
    """Who the request acts as, and the roles (with scopes) that decide what it may do."""

    id: int
    username: str
    display_name: str
    roles: list[RoleGrantOut]
