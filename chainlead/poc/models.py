"""Proof of concept (科技概念验证): centres, projects through five stages, gate reviews,
partners, support and outcomes (DOMAIN.md §6)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainlead.chains.models import Segment
from chainlead.poc.choices import (
    ContactResult,
    Decision,
    Direction,
    GateStatus,
    IPKind,
    OutcomeKind,
    ProjectStatus,
    Provenance,
    ReviewStatus,
    Stage,
    SupportKind,
)
from chainlead.poc.constants import SCORE_MAX, SCORE_MIN
from chainlead.registry.models import District, Enterprise, Industry

SCORE_VALIDATORS = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]


class Centre(models.Model):
    """A proof-of-concept centre (概念验证中心). Real centres carry only what their source
    states; blank means the source does not say."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    host_institution = models.CharField(_("host institution"), max_length=300, blank=True)
    district_name = models.CharField(
        _("district"), max_length=100, blank=True, help_text=_("As the source states it.")
    )
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="poc_centres",
        verbose_name=_("district in the registry"),
    )
    fields = models.CharField(_("fields"), max_length=300, blank=True)
    year_recognised = models.PositiveSmallIntegerField(_("year recognised"), null=True, blank=True)
    status_stated = models.CharField(_("status as stated"), max_length=300, blank=True)
    source_url = models.CharField(_("source"), max_length=500, blank=True)
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.ENTERED
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("proof-of-concept centre")
        verbose_name_plural = _("proof-of-concept centres")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("poc:centre_detail", args=[self.pk])

    @property
    def district_label(self) -> str:
        """The registry's district in the reader's language; else the district as the source
        states it."""
        return self.district.label if self.district is not None else self.district_name


class Project(models.Model):
    """A research result on its way through the five stages."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    team = models.CharField(_("team"), max_length=300, blank=True)
    pi = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="poc_projects",
        verbose_name=_("principal investigator"),
    )
    pi_name = models.CharField(_("principal investigator"), max_length=100, blank=True)
    institution = models.CharField(_("institution"), max_length=200)
    industry = models.ForeignKey(
        Industry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("industry (GB/T 4754)"),
    )
    segment = models.ForeignKey(
        Segment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="poc_projects",
        verbose_name=_("chain segment"),
    )
    centre = models.ForeignKey(
        Centre,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("centre"),
    )
    stage = models.PositiveSmallIntegerField(
        _("stage"), choices=Stage.choices, default=Stage.BASIC_RESEARCH, db_index=True
    )
    trl = models.PositiveSmallIntegerField(
        _("TRL"), validators=[MinValueValidator(1), MaxValueValidator(9)], default=1
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProjectStatus.choices,
        default=ProjectStatus.ACTIVE,
        db_index=True,
    )
    started_on = models.DateField(_("started on"))
    stage_entered_on = models.DateField(_("in this stage since"))
    ended_on = models.DateField(
        _("stopped on"), null=True, blank=True, help_text=_("Set when the project is stopped.")
    )
    spin_off = models.OneToOneField(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="poc_project",
        verbose_name=_("spin-off firm"),
    )
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.ENTERED
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("proof-of-concept project")
        verbose_name_plural = _("proof-of-concept projects")
        indexes = [models.Index(fields=["centre", "stage"], name="poc_project_centre_stage")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("poc:project_detail", args=[self.pk])

    @property
    def in_valley(self) -> bool:
        return 2 <= self.stage <= 4


class IntellectualProperty(models.Model):
    """A patent (with its number) or software copyright of the project's result."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ip_assets")
    kind = models.CharField(_("kind"), max_length=10, choices=IPKind.choices)
    number = models.CharField(_("number"), max_length=50)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        ordering = ["project", "kind", "number"]
        verbose_name = _("intellectual property")
        verbose_name_plural = _("intellectual property")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "number"], name="poc_ip_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Milestone(models.Model):
    """A milestone of a stage, with its due date and the day it was met."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    met_on = models.DateField(_("met on"), null=True, blank=True)

    class Meta:
        ordering = ["project", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on})"


class StageChange(models.Model):
    """A project entered a stage (its history; survival and the Sankey read it)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.PositiveSmallIntegerField(null=True, blank=True, choices=Stage.choices)
    to_stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    on = models.DateField(_("date"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gate_review = models.ForeignKey(
        "GateReview", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["project", "on", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage} → {self.to_stage} on {self.on}"


class GateReview(models.Model):
    """The review that decides whether a project moves to its next stage."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gate_reviews")
    from_stage = models.PositiveSmallIntegerField(_("from stage"), choices=Stage.choices)
    to_stage = models.PositiveSmallIntegerField(_("to stage"), choices=Stage.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=GateStatus.choices, default=GateStatus.OPEN
    )
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due on"))
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    # The weighted scores that led to the decision, frozen when it was taken.
    scores = models.JSONField(_("scores at the decision"), default=dict, blank=True)
    weighted_score = models.DecimalField(
        _("weighted score"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status="open"),
                name="poc_one_open_gate_review",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage} → {self.to_stage}"

    def get_absolute_url(self) -> str:
        return reverse("poc:gate_detail", args=[self.pk])


class ReviewAssignment(models.Model):
    """One reviewer on a gate review's panel: declaration, then scores on the rubric."""

    gate_review = models.ForeignKey(
        GateReview, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="poc_reviews"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED
    )
    declared_institution = models.CharField(_("your institution"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    technology = models.PositiveSmallIntegerField(
        _("technology"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    market = models.PositiveSmallIntegerField(
        _("market"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    ip = models.PositiveSmallIntegerField(
        _("IP"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    team = models.PositiveSmallIntegerField(
        _("team"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    plan = models.PositiveSmallIntegerField(
        _("plan"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=8, choices=Decision.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        ordering = ["gate_review", "id"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["gate_review", "reviewer"], name="poc_reviewer_once_per_gate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gate_review} · {self.reviewer}"

    def get_absolute_url(self) -> str:
        return reverse("poc:review_detail", args=[self.pk])

    @property
    def file_open(self) -> bool:
        """The reviewer sees the project's file only after declaring no conflict."""
        return self.status in (ReviewStatus.DECLARED, ReviewStatus.SCORED)


class PartnerContact(models.Model):
    """An upstream or downstream firm from the chain map that officials approached."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partner_contacts")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    approached_on = models.DateField(_("approached on"))
    result = models.CharField(
        _("result"), max_length=10, choices=ContactResult.choices, default=ContactResult.APPROACHED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["project", "-approached_on", "-id"]
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")

    def __str__(self) -> str:
        return f"{self.project} ↔ {self.enterprise}"


class StageSupport(models.Model):
    """Support a project received in a stage: funding or in-kind, and who gave it.

    Funding is paid from the support-fund ledger (DOMAIN.md §8), not here: granting it commits
    `amount_granted` there (`services.stage_funding_commit`) and `fund_reference` names the
    commitment (`C000012`). A stage is funded once (see docs/poc.md)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="supports")
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=SupportKind.choices)
    given_by = models.CharField(_("given by"), max_length=200)
    description = models.CharField(_("what"), max_length=300, blank=True)
    amount_granted = models.DecimalField(
        _("amount granted (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fund_reference = models.CharField(_("support-fund commitment"), max_length=64, blank=True)
    granted_on = models.DateField(_("granted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["project", "stage", "granted_on", "id"]
        constraints = [
            # A second press of "grant" must not commit the stage's money twice.
            models.UniqueConstraint(
                fields=["project", "stage"],
                condition=models.Q(kind=SupportKind.FUNDING),
                name="poc_one_funding_per_stage",
            )
        ]
        verbose_name = _("stage support")
        verbose_name_plural = _("stage support")

    def __str__(self) -> str:
        return f"{self.project}: {self.get_kind_display()} ({self.given_by})"


class Outcome(models.Model):
    """What became of a project: licensed, spin-off founded, acquired, or stopped."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=10, choices=OutcomeKind.choices)
    on = models.DateField(_("date"))
    stage = models.PositiveSmallIntegerField(_("at stage"), choices=Stage.choices)
    counterparty = models.CharField(_("licensee, acquirer or spin-off"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("firm in the registry"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["project", "on", "id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return f"{self.project}: {self.get_kind_display()} ({self.on})"
