"""Chain governance (链长制): the "five ones", work plans, policy packages and task-force meetings.

Each chain has one leader, one task force, one work plan a year and one policy package
(DOMAIN.md §3). Leaders and task-force members are mirrored by accounts.RoleGrant rows, which is
what access checks read; the services keep both in step.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chainlead.chains.models import Chain
from chainlead.core.validators import is_web_url, split_urls, validate_web_urls
from chainlead.governance.choices import (
    ActionStatus,
    DateBasis,
    Indicator,
    MilestoneStatus,
    PlanStatus,
    PolicyProvenance,
    PolicyTopic,
    TaskForceRole,
)
from chainlead.governance.constants import INDICATOR_UNITS


class ChainLeader(models.Model):
    """The chain leader (链长): one senior official per chain."""

    chain = models.OneToOneField(
        Chain, on_delete=models.CASCADE, related_name="leader", verbose_name=_("chain")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chains_led",
        verbose_name=_("leader"),
    )
    title = models.CharField(_("official title"), max_length=100, blank=True)
    appointed_on = models.DateField(_("appointed on"))
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["chain"]
        verbose_name = _("chain leader")
        verbose_name_plural = _("chain leaders")

    def __str__(self) -> str:
        return f"{self.chain}: {self.user}"


class TaskForceMember(models.Model):
    """A member of a chain's task force (工作专班)."""

    chain = models.ForeignKey(
        Chain, on_delete=models.CASCADE, related_name="task_force", verbose_name=_("chain")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="task_forces",
        verbose_name=_("member"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=TaskForceRole.choices, default=TaskForceRole.MEMBER
    )
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        ordering = ["chain", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "user"], name="task_force_member_once"),
            models.UniqueConstraint(
                fields=["chain"],
                condition=Q(role="head"),
                name="task_force_one_head",
                violation_error_message=_("The task force already has a head."),
            ),
        ]
        verbose_name = _("task-force member")
        verbose_name_plural = _("task-force members")

    def __str__(self) -> str:
        return f"{self.chain}: {self.user} ({self.get_role_display()})"


class WorkPlan(models.Model):
    """A chain's work plan for one year: targets and milestones, approved by the chain leader."""

    chain = models.ForeignKey(
        Chain, on_delete=models.CASCADE, related_name="work_plans", verbose_name=_("chain")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["chain", "-year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "year"],
                condition=~Q(status="archived"),
                name="work_plan_one_active_per_year",
                violation_error_message=_(
                    "This chain already has an active work plan for this year."
                ),
            )
        ]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")

    def __str__(self) -> str:
        return f"{self.chain} {self.year}: {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status != PlanStatus.ARCHIVED


class Target(models.Model):
    """A yearly target of a work plan, in the unit Chinese statistics use for its indicator."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=30, choices=Indicator.choices)
    value = models.DecimalField(
        _("target"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="target_once_per_plan")
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_indicator_display()} {self.value}"

    @property
    def unit(self) -> str:
        return str(INDICATOR_UNITS[Indicator(self.indicator)])


class ActualEntry(models.Model):
    """An actual figure entered by hand for a target the registry cannot derive (audited)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="entries")
    value = models.DecimalField(
        _("actual"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    as_of = models.DateField(_("as of"))
    source = models.CharField(
        _("source"), max_length=200, help_text=_("Where the figure comes from.")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target", "-as_of", "-id"]
        verbose_name = _("actual entry")
        verbose_name_plural = _("actual entries")

    def __str__(self) -> str:
        return f"{self.target.get_indicator_display()} {self.value} ({self.as_of})"


class Milestone(models.Model):
    """A milestone of a work plan with its owner and deadline."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_milestones",
        verbose_name=_("owner"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PLANNED,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "deadline", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS) and (
            self.deadline < today
        )


class PolicyItem(models.Model):
    """A policy document or programme (subsidy, competition, fund) that can serve chains."""

    title = models.CharField(_("title"), max_length=300)
    issuing_body = models.CharField(_("issuing body"), max_length=300, blank=True)
    doc_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("The 文号, if stated.")
    )
    date_text = models.CharField(
        _("date"),
        max_length=10,
        blank=True,
        help_text=_("As precise as the source states it: YYYY, YYYY-MM or YYYY-MM-DD."),
    )
    date_basis = models.CharField(
        _("date basis"), max_length=4, choices=DateBasis.choices, blank=True
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    topic = models.CharField(
        _("topic"), max_length=15, choices=PolicyTopic.choices, default=PolicyTopic.OTHER
    )
    supports = models.TextField(_("what it supports"), blank=True)
    amounts = models.TextField(_("amounts as stated"), blank=True)
    budget = models.DecimalField(
        _("budget (10,000 CNY)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    # Web addresses only: a `javascript:` or `data:` link would run on the policy page.
    source_url = models.TextField(
        _("source"),
        blank=True,
        validators=[validate_web_urls],
        help_text=_("Web addresses (http:// or https://), separated by “ ; ”."),
    )
    provenance = models.CharField(
        _("provenance"),
        max_length=10,
        choices=PolicyProvenance.choices,
        default=PolicyProvenance.ENTERED,
    )
    chains = models.ManyToManyField(
        Chain, through="PackageItem", related_name="policy_items", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_text", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["title", "issuing_body"], name="policy_item_unique")
        ]
        verbose_name = _("policy item")
        verbose_name_plural = _("policy items")

    def __str__(self) -> str:
        return self.title

    @property
    def source_urls(self) -> list[str]:
        return split_urls(self.source_url)

    @property
    def source_links(self) -> list[tuple[str, bool]]:
        """(address, whether it may be a link): a row saved before the rule may hold a script
        address, shown as text."""
        return [(url, is_web_url(url)) for url in self.source_urls]


class PackageItem(models.Model):
    """A policy item in a chain's policy package (政策包)."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="package_items")
    policy = models.ForeignKey(PolicyItem, on_delete=models.CASCADE, related_name="package_items")
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["chain", "policy"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "policy"], name="package_item_once")
        ]
        verbose_name = _("policy-package item")
        verbose_name_plural = _("policy-package items")

    def __str__(self) -> str:
        return f"{self.chain}: {self.policy}"


class Meeting(models.Model):
    """A task-force meeting: who attended, the minutes, the decisions and the action items."""

    chain = models.ForeignKey(
        Chain, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("chain")
    )
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("held at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="governance_meetings",
        blank=True,
        verbose_name=_("attendees"),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("task-force meeting")
        verbose_name_plural = _("task-force meetings")

    def __str__(self) -> str:
        return f"{self.chain}: {self.title}"


class Decision(models.Model):
    """A decision taken at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(models.Model):
    """Work a meeting gives someone, tracked like a request: open → in progress → done."""

    chain = models.ForeignKey(
        Chain, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("chain")
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="action_items"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_actions",
        verbose_name=_("owner"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["chain", "status", "deadline"])]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.deadline < today


# Every governance record: each is audited, and each write bumps the governance data version
# (the five ones and the dashboard are cached on it).
GOVERNANCE_RECORDS: tuple[type[models.Model], ...] = (
    ChainLeader,
    TaskForceMember,
    WorkPlan,
    Target,
    ActualEntry,
    Milestone,
    PolicyItem,
    PackageItem,
    Meeting,
    Decision,
    ActionItem,
)
