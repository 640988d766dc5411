"""Back-off after failed log-ins (MLPS 2.0, GB/T 22239-2019 8.1.4.1 b; issue 9 item 5).

django-axes counts failures by user name and by address (AXES_LOCKOUT_PARAMETERS). A user name
is held back after AXES_FAILURE_LIMIT failures; an address only after
CHAINLEAD_LOGIN_FAILURE_LIMIT_PER_ADDRESS, because a whole office logs in from one NAT address and
must not be locked out by a few colleagues' typing. A lock lasts AXES_COOLOFF_TIME from the
failure that set it: attempts during the lock are not counted, so they do not extend it
(AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False). A security administrator may lift a
lock early (accounts:lockout_list); a locked account's API tokens are refused meanwhile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def _cooloff() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler, with a limit of its own for an address (see the module)."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        by_name, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # Scaled so that the address reaches axes' one limit at its own, higher limit.
        per_address = settings.CHAINLEAD_LOGIN_FAILURE_LIMIT_PER_ADDRESS
        return max(by_name, by_address * settings.AXES_FAILURE_LIMIT // per_address)


@dataclass(frozen=True)
class Lockout:
    username: str
    failures: int
    locked_at: dt.datetime
    until: dt.datetime


def lockout_list(*, now: dt.datetime | None = None) -> list[Lockout]:
    """The user names locked now, latest first (failures within the cool-off)."""
    now = now or timezone.now()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - _cooloff())
        .exclude(username=None)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [Lockout(r["username"], r["failures"], r["last"], r["last"] + _cooloff()) for r in rows]


def is_locked_out(username: str, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    failures = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=now - _cooloff()
    ).aggregate(n=Sum("failures_since_start"))["n"]
    return (failures or 0) >= settings.AXES_FAILURE_LIMIT


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str | None:
    """The user name axes records (AXES_USERNAME_CALLABLE): at most 150 characters, so a long
    name can neither fail the insert (PostgreSQL) nor fill the table (SQLite)."""
    from chainlead.accounts.forms import USERNAME_MAX_LENGTH

    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return None if username is None else str(username)[:USERNAME_MAX_LENGTH]
