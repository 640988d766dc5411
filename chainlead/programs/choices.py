"""Choices of programs: competitions, policy grants and subsidies (DOMAIN.md §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgramKind(models.TextChoices):
    COMPETITION = "competition", _("competition")
    POLICY_GRANT = "policy_grant", _("policy grant")
    SUBSIDY = "subsidy", _("subsidy")


class Provenance(models.TextChoices):
    """Where a record comes from; generated ones are shown as "synthetic / 合成"."""

    STATED = "stated", _("stated by a public document")
    ENTERED = "entered", _("entered by an official")
    SYNTHETIC = "synthetic", _("synthetic")


class RuleKind(models.TextChoices):
    """The kinds of eligibility rule (issue 11 §2); each is JSON Logic over the firm's data."""

    REGISTERED_IN = "registered_in", _("registered in the city or district")
    INDUSTRY = "industry", _("industry class or chain segment")
    SIZE = "size", _("size class")
    FOUNDED = "founded", _("founding date")
    THRESHOLD = "threshold", _("revenue or R&D threshold")
    TEAM = "team", _("team members (age, returnee)")
    NO_VIOLATIONS = "no_violations", _("no unresolved violations")


class FieldType(models.TextChoices):
    """Types of an application form's fields (the program's small JSON schema)."""

    TEXT = "text", _("text")
    LONG_TEXT = "long_text", _("long text")
    NUMBER = "number", _("number")
    DATE = "date", _("date")
    BOOLEAN = "boolean", _("yes / no")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    INELIGIBLE = "ineligible", _("not eligible")
    WITHDRAWN = "withdrawn", _("withdrawn")
    AWARDED = "awarded", _("awarded")


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("assigned")
    SCORED = "scored", _("scored")


class BatchStatus(models.TextChoices):
    COMPUTED = "computed", _("computed, awaiting approval")
    APPROVED = "approved", _("approved")


class AwardStatus(models.TextChoices):
    COMMITTED = "committed", _("committed")
    COMPLETED = "completed", _("completed")
    LAPSED = "lapsed", _("partly lapsed")


class ConditionKind(models.TextChoices):
    """What releases a tranche, checked against the registry (issue 11 §6)."""

    NONE = "none", _("no condition")
    BANK_ACCOUNT = "bank_account", _("the firm confirmed its bank account")
    REGISTERED_IN_CITY = "registered_in_city", _("a company registered in the city")
    REVENUE_REPORTED = "revenue_reported", _("first-year revenue reported")


class ConditionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    MET = "met", _("met: tranche in the ledger")
    PAID = "paid", _("paid")
    LAPSED = "lapsed", _("lapsed")
