"""Reads of notices, always the reader's own.

- `notification_list(*, user)`, `unread_count(*, user)`, `preference_get(*, user)`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from chainlead.accounts.types import Reader
from chainlead.notifications.models import Notification, NotificationPreference


def notification_list(*, user: Reader) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def unread_count(*, user: Reader) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def preference_get(*, user: Reader) -> NotificationPreference | None:
    if not user.is_authenticated:
        return None
    return NotificationPreference.objects.filter(user_id=user.pk).first()
