"""MLPS 2.0 (GB/T 22239-2019 8.1.4.3 a): log-ins, failed log-ins and lockouts are audited."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from chainlead.accounts.middleware import mark_touched
from chainlead.audit.services import record_event


def _remote_addr(request: Any) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _user_named(username: str | None) -> Any:
    if not username:
        return None
    return get_user_model()._default_manager.filter(username=username).first()


@receiver(user_logged_in)
def _mark_session_touched(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The log-in saves the session: the next request need not renew it again.
    if request is not None and hasattr(request, "session"):
        mark_touched(request.session)


@receiver(user_logged_in)
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(instance=user, event="login", data={"remote_addr": _remote_addr(request)})


@receiver(user_login_failed)
def _audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Failures for unknown user names have no object to attach to; axes keeps them all.
    user = _user_named(credentials.get("username"))
    if user is not None:
        record_event(
            instance=user, event="login_failed", data={"remote_addr": _remote_addr(request)}
        )


@receiver(user_locked_out)
def _audit_lockout(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    user = _user_named(username)
    if user is not None:
        record_event(
            instance=user,
            event="locked_out",
            message="Locked after repeated failed log-ins.",
            data={"remote_addr": _remote_addr(request)},
        )
