"""Who services and selectors act for, typed (Zulip: an annotation is a guarantee).

- `Reader`: whoever reads through a selector, logged in or not (a page's `request.user`);
  selectors answer an anonymous reader with nothing.
- `Actor`: whoever writes through a service: a user, an anonymous request (refused by the
  service), or None, the platform itself (the command line, background tasks, the demo),
  audited as such.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from chainlead.accounts.models import User
from chainlead.core.exceptions import PermissionDenied

Reader: TypeAlias = User | AnonymousUser
Actor: TypeAlias = User | AnonymousUser | None


def acting_user(actor: Actor) -> User:
    """`actor` as the user a record names (created_by, approved_by…). A service calls it after
    its permission check, which has already refused an anonymous actor and the platform; so it
    only tells the type checker, and refuses should either get through."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Log in first.")
    return actor


def recorded_user(actor: Actor) -> User | None:
    """The user a record names as its author (created_by, approved_by…); None for the platform.
    The permission checks have refused an anonymous actor before any record is made, so an
    AnonymousUser never reaches a record."""
    return actor if isinstance(actor, User) else None
