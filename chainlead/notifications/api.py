"""REST API of notices (mounted under /api/v1/notifications/): the reader's own only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from chainlead.core.pagination import PageNumber
from chainlead.notifications import selectors, services
from chainlead.notifications.models import Notification
from chainlead.notifications.schemas import NotificationOut, ReadIn, UnreadOut

router = Router(tags=["notifications"])


@router.get("/", response=list[NotificationOut])
@paginate(PageNumber)
def notification_list(request: HttpRequest) -> QuerySet[Notification]:
    """Your notices, newest first; `text` is in the language the request asks for."""
    return selectors.notification_list(user=request.user)


@router.get("/unread", response=UnreadOut)
def unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(user=request.user)}


@router.post("/read", response=UnreadOut)
def mark_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    """Mark your notices read: `ids`, or all when it is left out."""
    services.notifications_mark_read(actor=request.user, ids=payload.ids)
    return {"unread": selectors.unread_count(user=request.user)}
