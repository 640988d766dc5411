"""A small world for the requests tests: one chain, two firms, two departments, every role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from chainlead.accounts.choices import Role
from chainlead.accounts.models import User
from chainlead.chains.models import Chain, Membership
from chainlead.registry.models import Enterprise
from chainlead.requests.choices import Category
from chainlead.requests.models import Department, RoutingRule
from chainlead.requests.tests.factories import (
    ChainFactory,
    DepartmentFactory,
    EnterpriseFactory,
    UserFactory,
    grant,
    officer,
)


@dataclass
class World:
    chain: Chain
    other_chain: Chain
    firm: Enterprise
    other_firm: Enterprise
    permits: Department
    finance: Department
    users: dict[str, User]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["users"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


@pytest.fixture(autouse=True)
def _english() -> Any:
    # Messages are asserted in English; the installation's default language is Chinese.
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: Any) -> World:
    chain = ChainFactory(slug="ai", name="人工智能")
    other_chain = ChainFactory(slug="bio", name="生物医药")
    firm = EnterpriseFactory(name="杭州深度求索人工智能基础技术研究有限公司")
    other_firm = EnterpriseFactory(name="杭州宇树科技股份有限公司")
    # Each firm is on its chain, so requests may be filed under it (requests.permissions).
    for member, on in ((firm, chain), (other_firm, other_chain)):
        segment = on.segments.first() or on.segments.create(name="环节", slug="s", order=1)
        Membership.objects.create(enterprise=member, segment=segment)
    permits = DepartmentFactory(name="市市场监管局")
    finance = DepartmentFactory(name="市地方金融局")
    RoutingRule.objects.create(category=Category.PERMITS, department=permits)
    RoutingRule.objects.create(category=Category.FINANCE, department=finance)
    users = {
        "firm_user": grant(UserFactory(username="firm"), Role.ENTERPRISE, enterprise=firm),
        "other_firm_user": grant(
            UserFactory(username="otherfirm"), Role.ENTERPRISE, enterprise=other_firm
        ),
        "officer": officer(permits, username="officer"),
        "other_officer": officer(finance, username="finofficer"),
        "task_force": grant(UserFactory(username="tf"), Role.TASK_FORCE, chain=chain),
        "other_task_force": grant(UserFactory(username="tf2"), Role.TASK_FORCE, chain=other_chain),
        "leader": grant(UserFactory(username="leader"), Role.CHAIN_LEADER, chain=chain),
        "admin": grant(UserFactory(username="admin"), Role.CITY_ADMIN),
        "auditor": grant(UserFactory(username="auditor"), Role.AUDITOR),
        "commissioner": grant(UserFactory(username="commissioner"), Role.COMMISSIONER),
        "stranger": UserFactory(username="stranger"),
    }
    return World(chain, other_chain, firm, other_firm, permits, finance, users)
