"""Any change to firms, their yearly indicators or the reference tables invalidates what is
cached from the registry (chain maps, dashboards' actuals), whichever way it was written: the
services, the admin or the shell. Bulk writes, which send no signals, bump it themselves."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from chainlead.core.models import DataVersion
from chainlead.registry.models import District, Enterprise, EnterpriseIndicator, Industry
from chainlead.registry.services import REGISTRY_DATA

_WATCHED = (Enterprise, EnterpriseIndicator, District, Industry)


@receiver(post_save)
@receiver(post_delete)
def _bump_version(sender: type, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if sender in _WATCHED:
        DataVersion.bump(REGISTRY_DATA)
