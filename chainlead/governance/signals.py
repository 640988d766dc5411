"""Changes to a chain's leader, task force, plan or policy package invalidate cached five ones."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from chainlead.core.models import DataVersion
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


@receiver(post_save)
@receiver(post_delete)
def _bump_version(sender: type, **kwargs: Any) -> None:
    if sender in _FIVE_ONES_MODELS and not kwargs.get("raw"):
        DataVersion.bump(GOVERNANCE_DATA)
