"""Any change to a request invalidates the cached problem lists and dashboard figures."""

from chainlead.core.models import DataVersion
from chainlead.core.signals import bump_version_on_writes
from chainlead.requests.models import EnterpriseRequest

REQUESTS_DATA = "requests"

bump_version_on_writes(REQUESTS_DATA, EnterpriseRequest)


def requests_version() -> int:
    return DataVersion.current(REQUESTS_DATA)
