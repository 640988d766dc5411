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

Reader: TypeAlias = User | AnonymousUser
Actor: TypeAlias = User | AnonymousUser | None
