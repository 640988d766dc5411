import datetime as dt
from typing import Any

import pytest

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.funds import services
from chainlead.registry.tests.factories import EnterpriseFactory

TODAY = dt.date(2026, 3, 2)


def finance_user(username: str) -> User:
    user = User.objects.create_user(username=username, password=None)
    RoleGrant.objects.create(user=user, role=Role.FINANCE)
    return user


@pytest.fixture
def finance(db: Any) -> User:
    return finance_user("fin-a")


@pytest.fixture
def finance2(db: Any) -> User:
    return finance_user("fin-b")


@pytest.fixture
def firm(db: Any) -> Any:
    return EnterpriseFactory()


@pytest.fixture
def fund(finance: User) -> Any:
    return services.fund_create(
        actor=finance,
        name="测试资金",
        district=None,
        fiscal_year=2026,
        appropriation="1000000.00",
        provenance="synthetic",
        today=TODAY,
    )


@pytest.fixture
def line(finance: User, fund: Any) -> Any:
    return services.budget_line_create(
        actor=finance, fund=fund, name="大学生创业大赛", amount="500000.00", today=TODAY
    )
