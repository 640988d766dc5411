"""Factories of registry tests: firms with valid (computed) credit codes."""

import factory

from chainlead.registry.choices import DataProvenance, Origin
from chainlead.registry.models import Enterprise
from chainlead.registry.validators import credit_code_check_char


def credit_code(n: int) -> str:
    """A valid unified social credit code (check character computed), unique per `n`."""
    first17 = f"91330108MA{n:07d}"
    return first17 + credit_code_check_char(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """A synthetic test firm; pass district=, industry_id=, revenue= as needed."""

    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(lambda n: credit_code(9_000_000 + n))
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    origin = Origin.LOCAL
    provenance = DataProvenance.SYNTHETIC
