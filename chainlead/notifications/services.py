"""Writes of notices: `notify` (any app), read marks, preferences, e-mail, deadline reminders.

- `notify(*, users, kind, target=None, subject="", params=None, at, key="")` → how many new
- `notify_select(*, rows, user, target, subject, kind, target_model, url_name, at)` → how many
- `notifications_mark_read(*, actor, ids=None, now=None)` → how many
- `preference_set(*, actor, email, language)` → NotificationPreference
- `notifications_email_pending(*, now=None)` → how many e-mails sent
- `deadlines_notify(*, now=None)` → how many reminders
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import CharField, DateTimeField, IntegerField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chainlead.accounts.models import User
from chainlead.accounts.types import Actor, acting_user
from chainlead.core.db import insert_select, select_columns
from chainlead.notifications.kinds import DEADLINE_THRESHOLDS, deadline_sources
from chainlead.notifications.models import Notification, NotificationPreference


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _target_fields(target: models.Model | None) -> dict[str, Any]:
    if target is None:
        return {}
    url = getattr(target, "get_absolute_url", None)
    return {
        "target_type": ContentType.objects.get_for_model(target),
        "target_id": str(target.pk),
        "url": (url() if callable(url) else "")[:300],
    }


def notify(
    *,
    users: Iterable[int | User],
    kind: str,
    at: dt.datetime,
    target: models.Model | None = None,
    subject: str = "",
    params: Mapping[str, Any] | None = None,
    key: str = "",
    url: str | None = None,
) -> int:
    """Tell `users` (ids or users) that `kind` happened to `target`; returns how many notices
    were made. The link is `url`, else the target's page. With a `key`, a user who already has
    a notice of that key gets none (idempotent reminders). Opted-in users are e-mailed after
    the commit."""
    user_ids = {u if isinstance(u, int) else u.pk for u in users}
    if key:
        user_ids -= set(
            Notification.objects.filter(user_id__in=user_ids, key=key).values_list(
                "user_id", flat=True
            )
        )
    if not user_ids:
        return 0
    common = {
        "kind": kind,
        "subject": subject[:300],
        "params": dict(params) if params else None,
        "key": key[:200],
        "created_at": at,
        **_target_fields(target),
    }
    if url is not None:
        common["url"] = url[:300]
    # ignore_conflicts: two runs racing on one key still make one notice (the unique key).
    Notification.objects.bulk_create(
        [Notification(user_id=u, **common) for u in sorted(user_ids)], ignore_conflicts=bool(key)
    )
    transaction.on_commit(lambda: notifications_email_pending(now=at, user_ids=user_ids))
    return len(user_ids)


# A number no primary key reaches in the URL pattern, to split a reversed URL around the id.
_URL_ID = 987654321987


def notify_select(
    *,
    rows: models.QuerySet[Any],
    user: Any,
    target: Any,
    subject: Any,
    kind: str,
    target_model: type[models.Model],
    url_name: str,
    at: dt.datetime,
) -> int:
    """One notice per row of `rows` in a single INSERT … SELECT, for set-based writers (the
    escalation of thousands of requests): `user`, `target` (the target's primary key) and
    `subject` are expressions over the rows; the link is `url_name` reversed with the target's
    key. Returns how many; opted-in users are e-mailed after the commit."""
    url = reverse(url_name, args=[_URL_ID])
    before, _sep, after = url.partition(str(_URL_ID))
    target_id = Cast(target, CharField(max_length=64))
    made = insert_select(
        Notification,
        ["user", "kind", "subject", "target_type", "target_id", "url", "key", "created_at"],
        select_columns(
            rows,
            [
                user,
                Value(kind),
                subject,
                Value(ContentType.objects.get_for_model(target_model).pk, IntegerField()),
                target_id,
                Concat(Value(before), target_id, Value(after), output_field=CharField()),
                Value(""),
                Value(at, output_field=DateTimeField()),
            ],
        ).distinct(),
    )
    if made:
        transaction.on_commit(lambda: notifications_email_pending(now=at))
    return made


@transaction.atomic
def notifications_mark_read(
    *, actor: Actor, ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Mark the actor's notices (all, or `ids`) as read; returns how many."""
    user = acting_user(actor)
    qs = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=_now(now))


@transaction.atomic
def preference_set(
    *, actor: Actor, email: bool, language: str = "", now: dt.datetime | None = None
) -> NotificationPreference:
    """The actor's own choice: e-mail too or not, and the language of the e-mails."""
    user = acting_user(actor)
    if email and not user.email:
        raise ValidationError(
            {"email": _("Your account has no e-mail address to send notices to.")}
        )
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    if email and not pref.email:
        pref.email_since = _now(now)
    pref.email = email
    pref.language = language
    pref.full_clean()
    pref.save()
    return pref


def _mail_language(pref: NotificationPreference) -> str:
    return pref.language or settings.LANGUAGE_CODE


def notifications_email_pending(
    *, now: dt.datetime | None = None, user_ids: Iterable[int] | None = None
) -> int:
    """E-mail opted-in users their notices not yet mailed (one message per user, in their
    language); returns how many messages were sent. Notices from before a user opted in are
    never mailed."""
    at = _now(now)
    prefs = NotificationPreference.objects.filter(email=True).exclude(user__email="")
    if user_ids is not None:
        prefs = prefs.filter(user_id__in=list(user_ids))
    sent = 0
    for pref in prefs.select_related("user"):
        with transaction.atomic():
            rows = Notification.objects.select_for_update().filter(
                user_id=pref.user_id, emailed_at__isnull=True
            )
            if pref.email_since is not None:
                rows = rows.filter(created_at__gte=pref.email_since)
            pending = list(rows.order_by("created_at", "id")[:100])
            if not pending:
                continue
            with translation.override(_mail_language(pref)):
                lines = [f"- {n.text} {n.url}".rstrip() for n in pending]
                title = _("%(count)d new notifications") % {"count": len(pending)}
                body = "\n".join(
                    [_("Notices from the platform:"), "", *lines, "", _("Sent by chainlead.")]
                )
            send_mail(title, body, None, [pref.user.email])
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=at)
            sent += 1
    return sent


def deadlines_notify(*, now: dt.datetime | None = None) -> int:
    """Remind people of what falls due within the largest threshold (DEADLINE_THRESHOLDS days),
    once per thing, deadline and threshold: a second run the same day sends nothing. Returns
    how many notices were made."""
    at = _now(now)
    today = timezone.localdate(at)
    until = today + dt.timedelta(days=max(DEADLINE_THRESHOLDS))
    made = 0
    with transaction.atomic():
        for source in deadline_sources():
            for item in source(today, until):
                days = (item.due - today).days
                reached = [t for t in DEADLINE_THRESHOLDS if days <= t]
                if days < 0 or not reached:
                    continue
                threshold = min(reached)
                label = f"{item.target._meta.label_lower}:{item.target.pk}"
                made += notify(
                    users=item.user_ids,
                    kind=item.kind,
                    at=at,
                    target=item.target,
                    subject=item.subject,
                    url=item.url or None,
                    params={"days": days, "due": item.due.isoformat()},
                    key=f"deadline:{label}:{item.due.isoformat()}:{threshold}",
                )
    return made
