"""Factories of the requests tests: users with role grants, firms, chains, departments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from chainlead.accounts.models import RoleGrant, User
from chainlead.chains.models import Chain
from chainlead.registry.models import Enterprise
from chainlead.requests.models import Department, DepartmentMember


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("Secret-pass-123")


class ChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chain

    slug = factory.Sequence(lambda n: f"chain-{n}")
    name = factory.Sequence(lambda n: f"链{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")


def grant(user: User, role: str, **scope: Any) -> User:
    RoleGrant.objects.create(user=user, role=role, **scope)
    return user


def officer(department: Department, **kwargs: Any) -> User:
    user = UserFactory(**kwargs)
    DepartmentMember.objects.create(user=user, department=department)
    return user


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """An aware datetime in the installation's time zone."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))
