from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipRole(models.TextChoices):
    CHAIN_LEAD = "chain_lead", _("chain-lead firm")
    KEY = "key", _("key firm")
    MEMBER = "member", _("member")


class MembershipSource(models.TextChoices):
    MANUAL = "manual", _("set by hand")
    INDUSTRY_RULE = "industry_rule", _("industry-code rule")
    TEXT_RULE = "text_rule", _("text classification")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class SegmentStatus(models.TextChoices):
    OK = "ok", _("present")
    WEAK = "weak", _("weak")
    MISSING = "missing", _("missing")


class ClassifyJobKind(models.TextChoices):
    TEXTS = "texts", _("classify a file of firms' texts")
    REPLACE = "replace", _("re-place the registry's firms on the chains")


class ClassifyJobStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
