import datetime as dt

import pytest

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.commissioners.choices import CommissionerKind
from chainlead.commissioners.services import assignment_create, commissioner_create
from chainlead.registry.models import District, Enterprise, Industry

TODAY = dt.date(2025, 6, 16)


def make_user(username: str, role: Role | None = None, **scope):
    user = User.objects.create_user(username=username, password="Chainlead-2026!")
    if role is not None:
        RoleGrant.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def admin(db):
    return User.objects.create_superuser("cm_admin", password="Chainlead-2026!")


@pytest.fixture
def industries(db):
    """GB/T 4754 C > 39 > 391 > 3911 and a sibling class, plus I > 65 > 651 > 6513."""
    # The real GB/T 4754-2017 table is loaded by the registry's migrations.
    codes = ["C", "39", "391", "3911", "3912", "I", "65", "651", "6513"]
    return {i.code: i for i in Industry.objects.filter(code__in=codes)}


@pytest.fixture
def districts(db):
    return {
        "binjiang": District.objects.get_or_create(code="330108", defaults={"name": "滨江区"})[0],
        "yuhang": District.objects.get_or_create(code="330110", defaults={"name": "余杭区"})[0],
    }


@pytest.fixture
def firms(admin, industries, districts):
    return {
        "computers": Enterprise.objects.create(
            name="Computer maker", district=districts["binjiang"], industry=industries["3911"]
        ),
        "parts": Enterprise.objects.create(
            name="Parts maker", district=districts["yuhang"], industry=industries["3912"]
        ),
        "software": Enterprise.objects.create(
            name="App studio", district=districts["yuhang"], industry=industries["6513"]
        ),
    }


@pytest.fixture
def commissioner_user(db):
    return make_user("cm_commissioner", Role.COMMISSIONER)


@pytest.fixture
def hardware_expert(admin, industries, districts, commissioner_user):
    return commissioner_create(
        actor=admin,
        kind=CommissionerKind.INDIVIDUAL,
        name="Hardware expert",
        district=districts["binjiang"],
        industries=[industries["391"]],
        keywords=["服务器"],
        capacity=2,
        user=commissioner_user,
    )


@pytest.fixture
def software_expert(admin, industries, districts):
    return commissioner_create(
        actor=admin,
        kind=CommissionerKind.TEAM,
        name="Software team",
        district=districts["yuhang"],
        industries=[industries["6513"]],
        capacity=1,
    )


@pytest.fixture
def station(admin, hardware_expert, firms):
    return assignment_create(
        actor=admin,
        commissioner=hardware_expert,
        enterprise=firms["computers"],
        starts_on=TODAY - dt.timedelta(days=60),
        ends_on=TODAY + dt.timedelta(days=300),
        reason="Computer hardware",
    )
