"""Choices of the support fund's ledger."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    """The chart of accounts of one fund (one per district or city and fiscal year).

    Money flows treasury → appropriation → budget line → commitment → disbursed; released
    commitments flow back to their line, lapsed lines to `returned`, recovered payments to
    `clawback`."""

    TREASURY = "treasury", _("treasury (source)")
    APPROPRIATION = "appropriation", _("appropriation")
    BUDGET_LINE = "budget_line", _("budget line")
    COMMITMENT = "commitment", _("commitment")
    DISBURSED = "disbursed", _("disbursed")
    CLAWBACK = "clawback", _("clawed back")
    RETURNED = "returned", _("returned")


class EntryKind(models.TextChoices):
    FUNDING = "funding", _("funding")
    ALLOCATION = "allocation", _("allocation to a line")
    COMMITMENT = "commitment", _("commitment")
    RELEASE = "release", _("release of a commitment")
    DISBURSEMENT = "disbursement", _("disbursement")
    CLAWBACK = "clawback", _("clawback")
    RETURN = "return", _("return to the treasury")
    REVERSAL = "reversal", _("reversal")


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    APPROVED = "approved", _("approved")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")


class DisbursementStatus(models.TextChoices):
    PREPARED = "prepared", _("prepared")
    APPROVED = "approved", _("approved")
    HELD = "held", _("held")
    PAID = "paid", _("paid")
    REVERSED = "reversed", _("reversed")
    CANCELLED = "cancelled", _("cancelled")


# A tranche has at most one disbursement in these states (a partial unique index).
LIVE_DISBURSEMENT_STATUSES = (
    DisbursementStatus.PREPARED,
    DisbursementStatus.APPROVED,
    DisbursementStatus.HELD,
    DisbursementStatus.PAID,
)


class RunStatus(models.TextChoices):
    PREPARED = "prepared", _("prepared")
    EXECUTED = "executed", _("approved and executed")
    CANCELLED = "cancelled", _("cancelled")


class Provenance(models.TextChoices):
    """Whether a figure is stated by a public document or generated for the demo."""

    STATED = "stated", _("stated by a public document")
    ENTERED = "entered", _("entered by an official")
    SYNTHETIC = "synthetic", _("synthetic")


class MatchStatus(models.TextChoices):
    MATCHED = "matched", _("matched")
    MISMATCHED = "mismatched", _("amount differs")
    UNMATCHED = "unmatched", _("no such payment")
    RESOLVED = "resolved", _("resolved by an official")
