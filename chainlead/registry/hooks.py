"""What other apps do when an import has written new firms.

The registry names no upper app (issue 8 item 2): an app that acts on new firms (chains places
them on its segments) registers a callback in its AppConfig.ready() with `on_firms_imported`;
an import job runs the callbacks after its write has committed, reporting their progress.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from chainlead.accounts.types import Actor

Progress = Callable[[int, int], None]


class FirmsImported(Protocol):
    def __call__(self, *, actor: Actor, firm_ids: list[int], progress: Progress | None) -> str: ...


_callbacks: list[FirmsImported] = []


def on_firms_imported(callback: FirmsImported) -> FirmsImported:
    """Register `callback(actor=, firm_ids=, progress=) -> summary` (once per callback)."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def firms_imported(
    *, actor: Actor, firm_ids: list[int], progress: Progress | None = None
) -> list[str]:
    """Run every registered callback for the new firms `firm_ids`; their summaries."""
    if not firm_ids:
        return []
    return [callback(actor=actor, firm_ids=firm_ids, progress=progress) for callback in _callbacks]
