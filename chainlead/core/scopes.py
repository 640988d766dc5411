"""Role scopes: the lower app asks, the upper apps answer.

The registry decides which firms a reader sees, but the reasons live above it: a task force sees
the firms on its chain (chains), a commissioner the firms stationed with them (commissioners).
Each such app registers a provider in its `AppConfig.ready()`:

    register_scope("enterprise", chain_member_firms)

where `chain_member_firms(access) -> Q | None` returns the condition on the scoped model (here
`registry.Enterprise`) under which `access` sees a row, or None when it grants nothing. The
registry ORs them together with its own (firms granted by id, firms of the reader's district).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from chainlead.accounts.access import Access

ScopeProvider = Callable[["Access"], Q | None]

_providers: defaultdict[str, list[ScopeProvider]] = defaultdict(list)


def register_scope(kind: str, provider: ScopeProvider) -> None:
    """Add `provider` to the scope named `kind` (idempotent: ready() may run twice in tests)."""
    if provider not in _providers[kind]:
        _providers[kind].append(provider)


def scope_condition(kind: str, access: Access) -> Q | None:
    """The OR of every provider's condition for `access`; None when none grants anything."""
    conditions = [q for provider in _providers[kind] if (q := provider(access)) is not None]
    if not conditions:
        return None
    combined = conditions[0]
    for q in conditions[1:]:
        combined |= q
    return combined
