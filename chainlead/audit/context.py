"""Who is acting right now: set by the request middleware, by commands and by tasks."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainlead.accounts.models import User


@dataclass(frozen=True)
class AuditContext:
    actor: User | None = None  # None for the system
    source: str = "system"  # web / api / cli / task / system
    remote_addr: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


_current: ContextVar[AuditContext | None] = ContextVar("chainlead_audit_context", default=None)
_SYSTEM = AuditContext(request_id="")


def current() -> AuditContext:
    return _current.get() or _SYSTEM


@contextlib.contextmanager
def acting_as(actor: User | None, *, source: str, remote_addr: str = "") -> Iterator[AuditContext]:
    """Attribute every write inside the block to `actor` (None = the system)."""
    ctx = AuditContext(actor=actor, source=source, remote_addr=remote_addr)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
