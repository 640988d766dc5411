"""Choices of chain governance (DOMAIN.md §3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskForceRole(models.TextChoices):
    HEAD = "head", _("head")
    DEPUTY = "deputy", _("deputy head")
    MEMBER = "member", _("member")


class PlanStatus(models.TextChoices):
    """A draft or approved plan is active; an archived one was replaced."""

    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    ARCHIVED = "archived", _("archived")


class Indicator(models.TextChoices):
    """The yearly targets of a chain's work plan."""

    OUTPUT_VALUE = "output_value", _("output value")
    ABOVE_SIZE_FIRMS = "above_size_firms", _("firms above designated size")
    FIXED_ASSET_INVESTMENT = "fixed_asset_investment", _("fixed-asset investment")
    FIRMS_RECRUITED = "firms_recruited", _("firms recruited")
    RD_SPEND = "rd_spend", _("R&D spend")


class ActualSource(models.TextChoices):
    REGISTRY = "registry", _("derived from the registry")
    ENTERED = "entered", _("entered")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class PolicyTopic(models.TextChoices):
    """The topics of shared/data/hangzhou/policies.csv (its PROVENANCE.md)."""

    CHAIN = "chain", _("industrial chains")
    AI = "ai", _("artificial intelligence")
    POC = "poc", _("proof of concept")
    COMMISSIONERS = "commissioners", _("S&T commissioners")
    TALENT = "talent", _("talent and competitions")
    FUND = "fund", _("support funds")
    OTHER = "other", _("other")


class DateBasis(models.TextChoices):
    """What a policy's date is: the document's own, or only the page carrying it."""

    DOC = "doc", _("date of the document")
    PAGE = "page", _("date of the page reporting it")
    NONE = "", _("not stated")


class PolicyProvenance(models.TextChoices):
    PUBLIC = "public", _("public document (loaded)")
    ENTERED = "entered", _("entered")
