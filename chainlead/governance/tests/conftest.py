import datetime as dt

import pytest

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant
from chainlead.governance import services
from chainlead.governance.tests.factories import ChainFactory, SegmentFactory, UserFactory

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def admin(db):
    user = UserFactory(username="gov-admin", display_name="市科技局管理员")
    RoleGrant.objects.create(user=user, role=Role.CITY_ADMIN)
    return user


@pytest.fixture
def chain(db):
    chain = ChainFactory(slug="ai", name="人工智能", name_en="Artificial intelligence")
    SegmentFactory(chain=chain, slug="chips", name="芯片", order=1)
    SegmentFactory(chain=chain, slug="models", name="基础模型和框架", order=2)
    return chain


@pytest.fixture
def other_chain(db):
    chain = ChainFactory(slug="biomedicine", name="生物医药")
    SegmentFactory(chain=chain, slug="drugs", name="创新药", order=1)
    return chain


@pytest.fixture
def leader(admin, chain):
    user = UserFactory(username="gov-leader", display_name="王链长")
    services.leader_appoint(actor=admin, chain=chain, user=user, appointed_on=TODAY)
    return user


@pytest.fixture
def member(admin, chain):
    user = UserFactory(username="gov-tf", display_name="李专班")
    services.task_force_member_add(actor=admin, chain=chain, user=user, role="head")
    return user


@pytest.fixture
def auditor(db):
    user = UserFactory(username="gov-auditor")
    RoleGrant.objects.create(user=user, role=Role.AUDITOR)
    return user


@pytest.fixture
def outsider(db):
    user = UserFactory(username="gov-outsider")
    RoleGrant.objects.create(user=user, role=Role.RESEARCHER)
    return user


@pytest.fixture
def plan(member, chain):
    plan = services.plan_create(
        actor=member, chain=chain, year=2026, title="2026年人工智能产业链工作计划"
    )
    services.target_set(actor=member, plan=plan, indicator="output_value", value=100)
    services.target_set(actor=member, plan=plan, indicator="above_size_firms", value=4)
    services.target_set(actor=member, plan=plan, indicator="fixed_asset_investment", value=50)
    services.target_set(actor=member, plan=plan, indicator="firms_recruited", value=2)
    services.target_set(actor=member, plan=plan, indicator="rd_spend", value=10)
    return plan


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English messages, whatever translations exist."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
