"""Science & technology commissioners (科技特派员, DOMAIN.md §5): who they are, where they are
stationed, what they did there, and the matchings that proposed the stations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainlead.commissioners.choices import (
    CommissionerKind,
    CommissionerStatus,
    Decision,
    LogStatus,
    Provenance,
    RunStatus,
    ServiceMode,
)


class Commissioner(models.Model):
    """An individual, team or institution serving firms; `user` is the platform account with
    the commissioner role that acts for them (an institution's contact person)."""

    kind = models.CharField(_("kind"), max_length=12, choices=CommissionerKind.choices)
    name = models.CharField(_("name"), max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("platform user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commissioner",
    )
    home_institution = models.CharField(_("home institution"), max_length=200, blank=True)
    district = models.ForeignKey(
        "registry.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commissioners",
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    industries = models.ManyToManyField(
        "registry.Industry",
        verbose_name=_("industries (GB/T 4754, any level)"),
        blank=True,
        related_name="commissioners",
    )
    segments = models.ManyToManyField(
        "chains.Segment",
        verbose_name=_("chain segments"),
        blank=True,
        related_name="commissioners",
    )
    keywords = models.JSONField(_("technology keywords"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity (firms at once)"), default=3, validators=[MaxValueValidator(200)]
    )
    service_start = models.DateField(_("service from"), null=True, blank=True)
    service_end = models.DateField(_("service until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommissionerStatus.choices,
        default=CommissionerStatus.ACTIVE,
        db_index=True,
    )
    provenance = models.CharField(
        _("data provenance"),
        max_length=10,
        choices=Provenance.choices,
        default=Provenance.ENTERED,
        db_index=True,
    )
    source_note = models.CharField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("commissioner")
        verbose_name_plural = _("commissioners")
        indexes = [models.Index(fields=["district", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_end__isnull=True)
                | Q(service_start__isnull=True)
                | Q(service_end__gte=models.F("service_start")),
                name="commissioner_service_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("commissioners:commissioner_detail", args=[self.pk])

    @property
    def is_synthetic(self) -> bool:
        return self.provenance == Provenance.SYNTHETIC


class MatchingRun(models.Model):
    """One proposal of assignments: inputs, progress (polled by the page), the optimum with its
    certificate, and the greedy baseline it beats."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    district = models.ForeignKey(
        "registry.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    as_of = models.DateField(_("as of"))
    weights = models.JSONField(_("weights"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    commissioners = models.PositiveIntegerField(_("commissioners"), default=0)
    firms = models.PositiveIntegerField(_("firms"), default=0)
    candidate_pairs = models.PositiveIntegerField(_("candidate pairs"), default=0)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("upper bound"), null=True, blank=True)
    greedy_objective = models.FloatField(_("greedy objective"), null=True, blank=True)
    certificate_ok = models.BooleanField(_("certificate verified"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.as_of:%Y-%m-%d}"

    @property
    def progress_percent(self) -> int:
        if self.status == RunStatus.READY:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def gap(self) -> float | None:
        if self.bound is None or self.objective is None:
            return None
        return self.bound - self.objective

    @property
    def greedy_gain(self) -> float | None:
        if self.objective is None or self.greedy_objective is None:
            return None
        return self.objective - self.greedy_objective

    @property
    def is_running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class Assignment(models.Model):
    """A commissioner stationed with a firm for a period: who proposed and approved it, why,
    and, when it ended early, why."""

    commissioner = models.ForeignKey(
        Commissioner, on_delete=models.PROTECT, related_name="assignments"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("firm"),
        on_delete=models.PROTECT,
        related_name="commissioner_assignments",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    ended_early_on = models.DateField(_("ended early on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending early"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("why"), blank=True)
    score_terms = models.JSONField(_("score, term by term"), default=dict, blank=True)
    matching_run = models.ForeignKey(
        MatchingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["enterprise", "commissioner"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commissioner} → {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("commissioners:assignment_detail", args=[self.pk])

    @property
    def last_day(self) -> dt.date | None:
        return self.ended_early_on or self.ends_on

    def is_active(self, today: dt.date) -> bool:
        last = self.last_day
        return self.starts_on <= today and (last is None or today <= last)


def active_on(today: dt.date, prefix: str = "") -> Q:
    """Assignments (or rows reaching them through `prefix`, e.g. "commissioner_assignments__")
    that are active on `today`."""
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ended_early_on__gte": today})
        | (
            Q(**{f"{prefix}ended_early_on__isnull": True})
            & (Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today}))
        )
    )


class ServiceLog(models.Model):
    """A visit or remote service at an assigned firm, which the firm confirms or disputes."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="logs")
    mode = models.CharField(_("mode"), max_length=8, choices=ServiceMode.choices)
    served_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    work_done = models.TextField(_("what was done"))
    solved = models.TextField(_("what was solved"), blank=True)
    requests = models.ManyToManyField(
        "requests.EnterpriseRequest",
        verbose_name=_("linked requests"),
        blank=True,
        related_name="service_logs",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LogStatus.choices, default=LogStatus.SUBMITTED
    )
    backdated = models.BooleanField(_("back-dated"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    firm_rating = models.PositiveSmallIntegerField(
        _("firm's rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    firm_comment = models.TextField(_("firm's comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("service log")
        verbose_name_plural = _("service logs")
        indexes = [models.Index(fields=["served_on"])]

    def __str__(self) -> str:
        return f"{self.assignment} {self.served_on:%Y-%m-%d}"


class ServiceLogAttachment(models.Model):
    """A file attached to a service log (minutes, photos, a report)."""

    log = models.ForeignKey(ServiceLog, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="commissioners/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ProposedPair(models.Model):
    """One pair of a matching run's proposal, its score term by term, and the decision."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="pairs")
    commissioner = models.ForeignKey(Commissioner, on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("score"))
    terms = models.JSONField(_("terms"), default=dict)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("official's reason"), blank=True)
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("proposed pair")
        verbose_name_plural = _("proposed pairs")
        indexes = [models.Index(fields=["run", "decision"])]

    def __str__(self) -> str:
        return f"{self.commissioner_id} → {self.enterprise_id} ({self.score:.2f})"
