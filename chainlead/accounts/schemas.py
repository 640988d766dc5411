"""Typed shapes of the accounts API."""

from ninja import Schema

from chainlead.core.validators import Name, Text


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


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    must_change_password: bool


class UserIn(Schema):
    """A new account; `password` is temporary (its owner changes it at the first log-in)."""

    username: Name
    password: Text
    display_name: Name = ""
    department: Name = ""
    email: Text = ""


class ActiveIn(Schema):
    active: bool


class PasswordIn(Schema):
    password: Text
