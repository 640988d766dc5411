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
    # The three administrators of MLPS 2.0 (GB/T 22239-2019 8.1.4.2 d, 三员分立): each holds one
    # of them only (services.role_grant), and the superuser is not used in operation.
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    SECURITY_ADMIN = "security_admin", _("security administrator")
    AUDIT_ADMIN = "audit_admin", _("audit administrator")


# No account holds two of these (separation of the three administrators, 三员分立).
THREE_ADMINISTRATORS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


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
    Role.SYSTEM_ADMIN: None,
    Role.SECURITY_ADMIN: None,
    Role.AUDIT_ADMIN: None,
}
