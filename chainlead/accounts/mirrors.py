"""Roles whose grants mirror another app's records: one truth for who holds them.

A chain leader is appointed in chain governance (a `ChainLeader` record); the CHAIN_LEADER grant
that access checks read must always agree with it. The owning app registers the role here with
the functions that create and end its record (which grant and revoke through
`owner_writes()`); from then on:

- `accounts.services.role_grant` of that role creates the owner's record (a leader appointed
  through the user admin page is a leader in the five ones too);
- `role_revoke` ends it;
- a grant saved any other way (the Django admin, the shell) fails validation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from chainlead.accounts.choices import Role


@dataclass(frozen=True)
class MirroredRole:
    owner: str  # the app label that holds the records, for messages
    grant: Callable[..., Any]  # fn(*, actor, user, chain=…, district=…, enterprise=…)
    revoke: Callable[..., Any]  # fn(*, actor, grant)


_mirrored: dict[Role, MirroredRole] = {}
_owner_writing: ContextVar[bool] = ContextVar("chainlead_mirror_owner_writing", default=False)


def register_mirrored_role(
    role: Role, *, owner: str, grant: Callable[..., Any], revoke: Callable[..., Any]
) -> None:
    _mirrored[role] = MirroredRole(owner=owner, grant=grant, revoke=revoke)


def mirrored(role: Role | str) -> MirroredRole | None:
    """The owner of `role`'s grants, unless the owner itself is writing them."""
    if _owner_writing.get():
        return None
    return _mirrored.get(Role(role))


@contextmanager
def owner_writes() -> Iterator[None]:
    """The owning app grants or revokes the mirrored role along with its record."""
    token = _owner_writing.set(True)
    try:
        yield
    finally:
        _owner_writing.reset(token)
