"""The log-in backend reads the signed-in user in one plain statement: the same user, and the
same refusals, as Django's ModelBackend."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainlead.accounts.access import access_for
from chainlead.accounts.backends import ModelBackend
from chainlead.accounts.models import RoleGrant, User

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_is_djangos_user_field_by_field() -> None:
    user = User.objects.create_user(
        "reader", password="a-Long-pass-1", email="r@example.org", display_name="读者"
    )
    ours = ModelBackend().get_user(user.pk)
    django_s = DjangoModelBackend().get_user(user.pk)
    assert ours is not None and django_s is not None
    for field in User._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(django_s, field.attname), field.name
    assert not ours._state.adding and ours._state.db == "default"
    assert ours.check_password("a-Long-pass-1")


def test_it_refuses_what_django_refuses() -> None:
    inactive = User.objects.create_user("gone", password=None, is_active=False)
    backend = ModelBackend()
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(10**9) is None  # no such user
    assert backend.get_user("not-a-number") is None  # a malformed id in a session


def test_a_request_reads_the_user_and_grants_in_two_plain_statements(client) -> None:
    user = User.objects.create_user("official", password=None)
    RoleGrant.objects.create(user=user, role="city_admin")
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/?q=x")
    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries]
    assert sum(1 for sql in reads if 'FROM "accounts_user"' in sql) == 1
    assert sum(1 for sql in reads if 'FROM "accounts_rolegrant"' in sql) == 1


def test_access_reads_every_grant() -> None:
    user = User.objects.create_user("leader", password=None)
    from chainlead.chains.models import Chain

    chain = Chain.objects.create(slug="t", name="测试链")
    RoleGrant.objects.create(user=user, role="chain_leader", chain=chain)
    RoleGrant.objects.create(user=user, role="task_force", chain=chain)
    access = access_for(User.objects.get(pk=user.pk))
    assert access.leader_chain_ids == frozenset({chain.pk})
    assert access.task_force_chain_ids == frozenset({chain.pk})
    assert {r.value for r in access.roles} == {"chain_leader", "task_force"}
