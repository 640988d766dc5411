from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DOMAIN.md §1."""

    CITY_ADMIN = "city_admin", _("city admin")
    CHAIN_LEADER = "chain_leader", _("chain leader")
    TASK_FORCE = "task_force", _("task-force member")
    DISTRICT_OFFICIAL = "district_official", _("district official")
    COMMISSIONER = "commissioner", _("S&T commissioner")
    ENTERPRISE = "enterprise", _("enterprise user")
    RESEARCHER = "researcher", _("researcher")
    REVIEWER = "reviewer", _("reviewer")
    FINANCE = "finance", _("finance officer")
    AUDITOR = "auditor", _("auditor")


# Which scope object each role's grant must name.
ROLE_SCOPE = {
    Role.CITY_ADMIN: None,
    Role.CHAIN_LEADER: "chain",
    Role.TASK_FORCE: "chain",
    Role.DISTRICT_OFFICIAL: "district",
    Role.COMMISSIONER: None,
    Role.ENTERPRISE: "enterprise",
    Role.RESEARCHER: None,
    Role.REVIEWER: None,
    Role.FINANCE: None,
    Role.AUDITOR: None,
}
