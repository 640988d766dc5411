"""Data versions follow writes: every save or delete of a watched model bumps its area's
version, whichever way the write comes (services, the admin, the shell). Bulk writes send no
signals; they bump the version themselves."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from chainlead.core.models import DataVersion


def bump_version_on_writes(key: str, *watched: type[models.Model]) -> None:
    """Bump data version `key` after every save or delete of the `watched` models (fixture
    loading, which sends `raw=True`, excepted)."""

    def bump(sender: type[models.Model], **kwargs: Any) -> None:
        if not kwargs.get("raw"):
            DataVersion.bump(key)

    for model in watched:
        uid = f"chainlead-data-version:{key}:{model._meta.label}"
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=uid)
