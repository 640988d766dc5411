"""Changes to a chain's leader, task force, plan or policy package invalidate cached five ones."""

from chainlead.core.signals import bump_version_on_writes
from chainlead.governance import models

GOVERNANCE_DATA = "governance"
# Every governance record the dashboard or the five ones show.
_FIVE_ONES_MODELS = (
    models.ChainLeader,
    models.TaskForceMember,
    models.WorkPlan,
    models.Target,
    models.ActualEntry,
    models.Milestone,
    models.PolicyItem,
    models.PackageItem,
    models.Meeting,
    models.Decision,
    models.ActionItem,
)

bump_version_on_writes(GOVERNANCE_DATA, *_FIVE_ONES_MODELS)
