"""Changes to a chain's leader, task force, plan or policy package invalidate cached five ones."""

from chainlead.chains.selectors import GOVERNANCE_DATA  # cached chain pages key on it too
from chainlead.core.signals import bump_version_on_writes
from chainlead.governance import models

bump_version_on_writes(GOVERNANCE_DATA, *models.GOVERNANCE_RECORDS)
