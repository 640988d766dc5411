"""The demo's users: one per role, with the documented local demo password.

Run last among the demo steps (`AccountsConfig.demo_steps`), once every app has named in
`context.scopes` the chain, district and firm that the scoped roles are granted. Users and
grants are created through `chainlead.accounts.services`, audited as the demo's admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chainlead.accounts import services
from chainlead.accounts.choices import ROLE_SCOPE, Role
from chainlead.accounts.models import User
from chainlead.core.plugins import DemoContext

# A local demo: one documented password for every demo user. It satisfies the password policy
# (AUTH_PASSWORD_VALIDATORS: ≥ 10 characters, three character classes). Never use it elsewhere.
DEMO_PASSWORD = "Chainlead-Demo-2026"  # noqa: S105


@dataclass
class UsersReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    display_name: str  # as the (Chinese by default) UI shows the user
    sees: Promise  # what the user sees, for the printed table and docs/demo-data.md


DEMO_USERS = (
    DemoUser("admin", Role.CITY_ADMIN, "市级管理员", _("everything; Django admin")),
    DemoUser("chainleader", Role.CHAIN_LEADER, "人工智能产业链链长", _("all of the AI chain")),
    DemoUser("taskforce", Role.TASK_FORCE, "人工智能产业链专班", _("AI chain edits; review queue")),
    DemoUser("binjiang", Role.DISTRICT_OFFICIAL, "滨江区工作人员", _("firms and maps of 滨江区")),
    DemoUser("hikvision", Role.ENTERPRISE, "海康威视企业用户", _("only 海康威视 (002415)")),
    DemoUser("auditor", Role.AUDITOR, "审计人员", _("reads everything incl. audit log")),
    DemoUser("finance", Role.FINANCE, "资金管理人员", _("budget lines, disbursements")),
    DemoUser("researcher", Role.RESEARCHER, "科研人员", _("own proof-of-concept projects")),
    DemoUser("reviewer", Role.REVIEWER, "评审专家", _("assigned reviews only")),
    DemoUser("commissioner", Role.COMMISSIONER, "科技特派员", _("assigned firms only")),
    # 三员分立: the three administrators, three people (MLPS level 3).
    DemoUser("sysadmin", Role.SYSTEM_ADMIN, "系统管理员", _("configuration, user accounts")),
    DemoUser("secadmin", Role.SECURITY_ADMIN, "安全管理员", _("roles, grants, unlocking")),
    DemoUser("auditadmin", Role.AUDIT_ADMIN, "审计管理员", _("reads and exports the audit log")),
)


def users_table(password: str = DEMO_PASSWORD) -> list[tuple[str, str, str, str]]:
    return [(u.username, password, str(u.role.label), str(u.sees)) for u in DEMO_USERS]


@transaction.atomic
def demo_users_load(*, scopes: dict[str, object], password: str = DEMO_PASSWORD) -> UsersReport:
    """One user per role with the documented demo password; existing users keep theirs."""
    report = UsersReport()
    admin_spec = DEMO_USERS[0]
    admin = User.objects.filter(username=admin_spec.username).first()
    if admin is None:
        admin = services.superuser_create(
            username=admin_spec.username, password=password, display_name=admin_spec.display_name
        )
        report.created += 1
    else:
        report.unchanged += 1
    for spec in DEMO_USERS[1:]:
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if user is None:
            user = services.user_create(
                actor=admin,
                username=spec.username,
                password=password,
                display_name=spec.display_name,
            )
        needed = ROLE_SCOPE[spec.role]
        scope = {needed: scopes[needed]} if needed else {}
        had_grant = user.grants.filter(role=spec.role, **scope).exists()
        services.role_grant(actor=admin, user=user, role=spec.role, **scope)
        if created:
            report.created += 1
        elif not had_grant:
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def demo_users_step(context: DemoContext) -> None:
    context.results["users"] = demo_users_load(scopes=context.scopes)
