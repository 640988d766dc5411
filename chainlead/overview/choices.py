"""Choices of the overview app: the firms' qualification tags and where a tag comes from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Qualification(models.TextChoices):
    """Qualifications a firm holds (资质), as the city's firm files name them."""

    HIGH_TECH = "high_tech", _("high-tech enterprise")  # 高新技术企业
    SPECIALISED = "specialised", _("specialised & sophisticated SME")  # 专精特新中小企业
    LITTLE_GIANT = "little_giant", _("specialised & sophisticated 'little giant'")  # 小巨人
    SINGLE_CHAMPION = "single_champion", _("manufacturing single champion")  # 单项冠军
    TECH_SME = "tech_sme", _("technology-based SME")  # 科技型中小企业
    UNICORN = "unicorn", _("unicorn")  # 独角兽


class TagProvenance(models.TextChoices):
    """Where a tag comes from: a public text (with the words that state it), or entered."""

    PUBLIC = "public", _("public data")
    ENTERED = "entered", _("entered")
    SYNTHETIC = "synthetic", _("synthetic")
