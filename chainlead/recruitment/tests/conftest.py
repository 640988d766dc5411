import pytest

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.chains.models import Chain, Segment


@pytest.fixture
def chain(db):
    ai = Chain.objects.create(slug="ai-test", name="人工智能")
    Segment.objects.create(chain=ai, slug="chips", name="芯片", order=1)
    return ai


@pytest.fixture
def other_chain(db):
    return Chain.objects.create(slug="bio-test", name="生物医药")


def _user(username: str, role: Role | None = None, **scope):
    user = User.objects.create_user(username=username, password="Chainlead-2026!")
    if role is not None:
        RoleGrant.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def task_force(chain):
    return _user("tf", Role.TASK_FORCE, chain=chain)


@pytest.fixture
def other_task_force(other_chain):
    return _user("tf-other", Role.TASK_FORCE, chain=other_chain)


@pytest.fixture
def auditor(db):
    return _user("auditor", Role.AUDITOR)
