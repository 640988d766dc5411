"""The industry support fund (产业扶持资金) as a double-entry ledger.

Every movement of money is one `Entry`: `amount` leaves its `debit_account` and reaches its
`credit_account` (TigerBeetle's shape: one row, so debits equal credits by construction).
Entries are append-only (model, queryset, admin and a database trigger refuse edits); a
correction is a reversing entry. An account's balance is credits minus debits, derived from the
entries; `Account.debits_posted` / `credits_posted` cache it and `fund check` recomputes it.
The documents around the ledger (commitments, tranches, disbursements, payment runs) carry
status, but money only ever moves through entries.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chainlead.funds.choices import (
    LIVE_DISBURSEMENT_STATUSES,
    AccountKind,
    DisbursementStatus,
    EntryKind,
    MatchStatus,
    Provenance,
    RunStatus,
    TrancheStatus,
)
from chainlead.funds.constants import AMOUNT_DIGITS
from chainlead.registry.models import District, Enterprise

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise


# The types spelled out: the stubs' plugin types a DecimalField declared in a model, not one
# that a helper returns.
def money_field(
    verbose_name: StrOrPromise, **kwargs: Any
) -> models.DecimalField[str | float | Decimal | Combinable, Decimal]:
    return models.DecimalField(verbose_name, max_digits=AMOUNT_DIGITS, decimal_places=2, **kwargs)


class Fund(models.Model):
    """The support fund of a district (or of the city, district empty) for one fiscal year."""

    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_funds",
        verbose_name=_("district"),
        help_text=_("Empty for the city's own fund."),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.ENTERED
    )
    source_note = models.CharField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "district__code", "name"]
        verbose_name = _("support fund")
        verbose_name_plural = _("support funds")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "fiscal_year", "name"], name="funds_fund_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.fiscal_year}"


class Account(models.Model):
    """One account of a fund's chart. Balance = credits − debits; every kind but the
    treasury (the money's outside source) has a floor of zero."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    name = models.CharField(_("name"), max_length=300)
    # Budget lines: the policy item, program or PoC stage the line pays for.
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("What the line pays for, e.g. programs.Program:3 or poc.stage:2."),
    )
    policy_source = models.CharField(_("policy source"), max_length=500, blank=True)
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.ENTERED
    )
    # Cached sums of the entries; recomputed and compared by `fund check`.
    debits_posted = money_field(_("debits posted"), default=Decimal("0.00"), editable=False)
    credits_posted = money_field(_("credits posted"), default=Decimal("0.00"), editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "kind", "pk"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            # Half a fen of slack: amounts are whole fen, and SQLite compares its (floating
            # point) decimals inexactly; PostgreSQL's numeric makes it the exact floor.
            models.CheckConstraint(
                condition=Q(kind=AccountKind.TREASURY)
                | Q(credits_posted__gte=F("debits_posted") - Decimal("0.005")),
                name="funds_account_floor_in_fen",
            ),
            models.UniqueConstraint(
                fields=["fund", "kind"],
                condition=~Q(
                    kind__in=[
                        AccountKind.BUDGET_LINE,
                        AccountKind.COMMITMENT,
                        AccountKind.DISBURSED,
                    ]
                ),
                name="funds_account_one_system_account_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def balance(self) -> Decimal:
        return self.credits_posted - self.debits_posted

    @property
    def has_floor(self) -> bool:
        return self.kind != AccountKind.TREASURY


class Period(models.Model):
    """A month of a fund's books; once closed it takes no new entries."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="periods")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["fund", "month"]
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [models.UniqueConstraint(fields=["fund", "month"], name="funds_period_once")]

    def __str__(self) -> str:
        return f"{self.fund} {self.month:%Y-%m}"


class Commitment(models.Model):
    """An award granted to a firm from a budget line; its account holds what is unpaid."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="commitments")
    line = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="commitments_drawn", verbose_name=_("line")
    )
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="commitment")
    # What was paid on this award. One per commitment, so payments to different firms never
    # wait for each other's row lock (a fund-wide "paid" account would serialise them all).
    paid_account = models.OneToOneField(
        Account, on_delete=models.PROTECT, related_name="commitment_paid"
    )
    recipient = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="fund_commitments",
        verbose_name=_("recipient"),
    )
    amount = money_field(_("amount awarded"))
    reference = models.CharField(
        _("reference"), max_length=200, help_text=_("The award it pays, e.g. programs.Award:12.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return f"C{self.pk:06d} {self.recipient.name}"

    @property
    def ref(self) -> str:
        return f"C{self.pk:06d}"


class Tranche(models.Model):
    """A part of a commitment paid when its condition is met. Created by one official and
    approved by another (four eyes); paid at most once."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="tranches")
    amount = money_field(_("amount"))
    due_on = models.DateField(_("due on"))
    condition_text = models.CharField(_("condition"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TrancheStatus.choices,
        default=TrancheStatus.PLANNED,
        db_index=True,
    )
    # No index on the officials' columns (here, on the disbursement, entry and idempotency key):
    # no query looks a document up by who wrote it, and every payment would pay for them
    # (issue 10; a tranche's payment rewrites its row in every index of the table).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_tranche_positive")
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def ref(self) -> str:
        """Stable reference used by the CLI and the treasury's statements."""
        return f"T{self.pk:06d}"


class PaymentRun(models.Model):
    """A batch of disbursements prepared by one official, approved by another, and exported to
    the treasury as a spreadsheet."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="payment_runs")
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PREPARED
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("payment run")
        verbose_name_plural = _("payment runs")

    def __str__(self) -> str:
        return f"R{self.pk:05d}"


class Disbursement(models.Model):
    """One payment of one tranche: prepared, approved by someone else, executed (an entry)."""

    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="disbursements")
    run = models.ForeignKey(
        PaymentRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    amount = money_field(_("amount"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DisbursementStatus.choices,
        default=DisbursementStatus.PREPARED,
        db_index=True,
    )
    hold_reason = models.CharField(_("reason held"), max_length=500, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            # The database's own guard against paying a tranche twice.
            models.UniqueConstraint(
                fields=["tranche"],
                condition=Q(status__in=LIVE_DISBURSEMENT_STATUSES),
                name="funds_one_live_disbursement_per_tranche",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                name="funds_disbursement_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def ref(self) -> str:
        return f"D{self.pk:06d}"


class EntryQuerySet(models.QuerySet["Entry"]):
    """Entries are never changed or deleted in bulk either."""

    def update(self, **kwargs: Any) -> int:
        raise ValidationError(_("Ledger entries are append-only; post a reversing entry."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("Ledger entries are append-only; post a reversing entry."))


class Entry(models.Model):
    """One transfer: `amount` leaves `debit_account` and reaches `credit_account`. Immutable."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=14, choices=EntryKind.choices)
    debit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="debits", verbose_name=_("from")
    )
    credit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="credits", verbose_name=_("to")
    )
    amount = money_field(_("amount"))
    period = models.DateField(_("period"), help_text=_("The first day of the booking month."))
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    # Not indexed on its own: a payment's entry is found through the partial unique index of
    # Meta.constraints (kind = disbursement); nothing else looks entries up by disbursement.
    disbursement = models.ForeignKey(
        Disbursement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_entry_positive"),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")), name="funds_entry_two_accounts"
            ),
            # A disbursement posts one payment entry (and at most one reversal of it).
            models.UniqueConstraint(
                fields=["disbursement"],
                condition=Q(kind=EntryKind.DISBURSEMENT),
                name="funds_entry_one_payment_per_disbursement",
            ),
        ]

    def __str__(self) -> str:
        return f"E{self.pk}: {self.amount} {self.debit_account_id}→{self.credit_account_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError(_("Ledger entries are append-only; post a reversing entry."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("Ledger entries are append-only; post a reversing entry."))


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


class CommandRecord(models.Model):
    """An idempotency key: the first command with a key runs, a retry gets its result back."""

    key = models.CharField(max_length=200, unique=True)
    command = models.CharField(max_length=50)
    fingerprint = models.CharField(max_length=64)
    result_id = models.BigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return f"{self.command} {self.key}"


class RecipientHold(models.Model):
    """A firm whose payments are held (deregistered, flagged by inspection…), with the reason.
    The registry keeps no status of its own, so the fund keeps this list."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="fund_holds", verbose_name=_("firm")
    )
    reason = models.CharField(_("reason"), max_length=500)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("recipient hold")
        verbose_name_plural = _("recipient holds")

    def __str__(self) -> str:
        return f"{self.enterprise.name}: {self.reason}"


class FiscalExpenditure(models.Model):
    """A district's (or the city's) fiscal expenditure for a year, with its source: the
    denominator of the ≥15% rule."""

    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    amount = money_field(_("fiscal expenditure"))
    source = models.CharField(_("source"), max_length=500)
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.ENTERED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "district__code"]
        verbose_name = _("fiscal expenditure")
        verbose_name_plural = _("fiscal expenditures")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "fiscal_year"], name="funds_expenditure_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district or '—'} {self.fiscal_year}: {self.amount}"


class StatementImport(models.Model):
    """A bank's or treasury's statement, imported whole or not at all."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="statements")
    filename = models.CharField(_("file"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return self.filename


class StatementLine(models.Model):
    """One line of a statement and what it matched."""

    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="lines")
    row = models.PositiveIntegerField(_("row"))
    reference = models.CharField(_("reference"), max_length=50)
    amount = money_field(_("amount"))
    value_date = models.DateField(_("value date"))
    payee = models.CharField(_("payee"), max_length=200, blank=True)
    disbursement = models.ForeignKey(
        Disbursement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=MatchStatus.choices)
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["statement", "row"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")

    def __str__(self) -> str:
        return f"{self.statement} #{self.row}"


__all__ = [
    "Account",
    "CommandRecord",
    "Commitment",
    "Disbursement",
    "Entry",
    "FiscalExpenditure",
    "Fund",
    "PaymentRun",
    "Period",
    "RecipientHold",
    "StatementImport",
    "StatementLine",
    "Tranche",
    "month_of",
]
