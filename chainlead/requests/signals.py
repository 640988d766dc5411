"""Any change to a request invalidates the cached problem lists and dashboard figures."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from chainlead.core.models import DataVersion
from chainlead.requests.models import EnterpriseRequest

REQUESTS_DATA = "requests"


@receiver(post_save, sender=EnterpriseRequest)
@receiver(post_delete, sender=EnterpriseRequest)
def _bump_version(sender: type, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        DataVersion.bump(REQUESTS_DATA)


def requests_version() -> int:
    return DataVersion.current(REQUESTS_DATA)
