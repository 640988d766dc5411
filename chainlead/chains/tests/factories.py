"""Factories of chain tests: users with role grants, chains, segments and memberships."""

from typing import Any

import factory

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.chains.choices import MembershipRole, MembershipSource, ReviewStatus
from chainlead.chains.models import Chain, Membership, Segment
from chainlead.registry.tests.factories import EnterpriseFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"chain-user-{n}")
    password = factory.django.Password("Chainlead-2026!")


def user_with(role: Role, **scope: Any) -> User:
    """A new user holding `role` with its scope (chain=, district= or enterprise=)."""
    user = UserFactory()
    RoleGrant.objects.create(user=user, role=role, **scope)
    return user


class ChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chain
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"chain-{n}")
    name = factory.Sequence(lambda n: f"测试链{n}")
    order = factory.Sequence(lambda n: n)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    chain = factory.SubFactory(ChainFactory)
    slug = factory.Sequence(lambda n: f"segment-{n}")
    name = factory.Sequence(lambda n: f"环节{n}")
    order = factory.Sequence(lambda n: n + 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    enterprise = factory.SubFactory(EnterpriseFactory)
    segment = factory.SubFactory(SegmentFactory)
    role = MembershipRole.MEMBER
    source = MembershipSource.MANUAL
    review_status = ReviewStatus.ACCEPTED
