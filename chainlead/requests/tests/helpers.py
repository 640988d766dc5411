"""Bring a request to a given state through the real services."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from chainlead.requests import services
from chainlead.requests.choices import Category, Status, Transition
from chainlead.requests.models import EnterpriseRequest
from chainlead.requests.tests.factories import at

# The path from raised to each state, as (transition, who) steps; "handler" = the officer.
PATHS: dict[str, list[Transition]] = {
    Status.RAISED: [],
    Status.ACCEPTED: [Transition.ACCEPT],
    Status.IN_PROGRESS: [Transition.ACCEPT, Transition.START],
    Status.WAITING_FIRM: [Transition.ACCEPT, Transition.START, Transition.WAIT_FOR_FIRM],
    Status.RESOLVED: [Transition.ACCEPT, Transition.START, Transition.RESOLVE],
    Status.CONFIRMED: [
        Transition.ACCEPT,
        Transition.START,
        Transition.RESOLVE,
        Transition.CONFIRM,
    ],
}

FIRM_TRANSITIONS = {Transition.CONFIRM, Transition.REOPEN}


def raise_request(
    world: Any,
    *,
    actor: Any = None,
    category: str = Category.PERMITS,
    chain: Any = "default",
    enterprise: Any = None,
    now: dt.datetime | None = None,
    title: str = "营业执照变更",
) -> EnterpriseRequest:
    return services.request_raise(
        actor=actor or world.firm_user,
        enterprise=enterprise or world.firm,
        category=category,
        title=title,
        description="办公地址变更后需要变更营业执照。",
        chain=world.chain if chain == "default" else chain,
        now=now or at(2026, 3, 2),
    )


def step(world: Any, request: EnterpriseRequest, transition: str, now: dt.datetime | None = None):
    actor = world.firm_user if transition in FIRM_TRANSITIONS else world.officer
    return services.request_transition(
        actor=actor,
        enterprise_request=request,
        transition=transition,
        resolution="已办结" if transition == Transition.RESOLVE else "",
        note="未解决" if transition == Transition.REOPEN else "",
        rating=5 if transition == Transition.CONFIRM else None,
        now=now or at(2026, 3, 3),
    )


def bring_to(world: Any, status: str, **kwargs: Any) -> EnterpriseRequest:
    request = raise_request(world, **kwargs)
    for transition in PATHS[status]:
        request = step(world, request, transition)
    assert request.status == status
    return request


@contextlib.contextmanager
def firms_seen_by(user: Any, *firms: Any) -> Iterator[None]:
    """Let `user` see `firms` in the registry for the block, as the commissioners app's scope
    provider does for the firms stationed with a commissioner (chainlead.core.scopes)."""
    from django.db.models import Q

    from chainlead.core import scopes

    def provider(access: Any) -> Q | None:
        return Q(pk__in=[f.pk for f in firms]) if access.user_id == user.pk else None

    scopes.register_scope("enterprise", provider)
    try:
        yield
    finally:
        # No public way to unregister: tests only, so other tests do not inherit the scope.
        scopes._providers["enterprise"].remove(provider)
