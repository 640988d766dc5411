"""Any change to firms, their yearly indicators or the reference tables invalidates what is
cached from the registry (chain maps, dashboards' actuals)."""

from chainlead.core.signals import bump_version_on_writes
from chainlead.registry.models import District, Enterprise, EnterpriseIndicator, Industry
from chainlead.registry.services import REGISTRY_DATA

bump_version_on_writes(REGISTRY_DATA, Enterprise, EnterpriseIndicator, District, Industry)
