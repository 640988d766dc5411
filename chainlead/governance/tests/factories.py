"""Factories of governance tests. Objects with rules are made through the services."""

import factory

from chainlead.accounts.models import User
from chainlead.chains.models import Chain, Segment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gov-user-{n}")
    display_name = factory.Sequence(lambda n: f"官员{n}")
    password = factory.django.Password("Chainlead-2026!")


class ChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chain
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"gov-chain-{n}")
    name = factory.Sequence(lambda n: f"产业链{n}")
    order = factory.Sequence(lambda n: n)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    chain = factory.SubFactory(ChainFactory)
    slug = factory.Sequence(lambda n: f"seg-{n}")
    name = factory.Sequence(lambda n: f"环节{n}")
    order = factory.Sequence(lambda n: n + 1)
