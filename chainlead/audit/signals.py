"""NetBox-style change logging: every save and delete of a registered model is audited."""

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from chainlead.audit.models import AuditAction
from chainlead.audit.services import is_registered, record_change, snapshot

_BEFORE_ATTR = "_audit_before"


@receiver(pre_save)
def _remember_before(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not is_registered(sender) or kwargs.get("raw"):
        return
    before = None
    if instance.pk is not None and not instance._state.adding:
        # One read per audited save: the state before is what an auditor needs to see.
        old = sender._default_manager.filter(pk=instance.pk).first()
        before = snapshot(old) if old is not None else None
    setattr(instance, _BEFORE_ATTR, before)


@receiver(post_save)
def _log_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if not is_registered(sender) or kwargs.get("raw"):
        return
    before = getattr(instance, _BEFORE_ATTR, None)
    record_change(
        instance=instance,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        before=None if created else before,
        after=snapshot(instance),
    )


@receiver(post_delete)
def _log_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not is_registered(sender):
        return
    record_change(
        instance=instance, action=AuditAction.DELETE, before=snapshot(instance), after=None
    )
