"""MLPS 2.0 (GB/T 22239-2019 8.1.4.3 a): log-ins, failed log-ins (for unknown user names too),
lockouts and password changes are audited."""

from typing import Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save
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
    username = str(credentials.get("username") or "")[:150]
    if not username:
        return
    data = {"username": username, "remote_addr": _remote_addr(request)}
    user = _user_named(username)
    if credentials.get("second_factor") and user is not None:
        # A wrong authenticator or recovery code after a right password (accounts.views).
        record_event(
            instance=user,
            event="two_factor_failed",
            message="Wrong second-factor code.",
            data={**data, "known_user": True},
        )
        return
    if user is not None:
        record_event(instance=user, event="login_failed", data={**data, "known_user": True})
        return
    # An unknown name has no account to attach to: the entry names axes' record of the
    # attempts (its receiver ran first), and carries the name tried.
    attempt = AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first()
    if attempt is not None:
        record_event(instance=attempt, event="login_failed", data={**data, "known_user": False})


@receiver(pre_save, sender=get_user_model())
def _note_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    # set_password() keeps the new raw password until the save (for the validators' hook);
    # axes' or Django's rehashing on log-in resets it first, so it is no change.
    changed = instance.pk is not None and getattr(instance, "_password", None) is not None
    update_fields = kwargs.get("update_fields")
    instance._chainlead_password_changed = changed and (
        update_fields is None or "password" in update_fields
    )


@receiver(post_save, sender=get_user_model())
def _audit_password_change(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created or not getattr(instance, "_chainlead_password_changed", False):
        return
    instance._chainlead_password_changed = False
    record_event(instance=instance, event="password_changed", message="Password changed.")
    from chainlead.accounts.services import api_tokens_end

    api_tokens_end(user=instance, reason="password changed")


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
