"""Programs: competitions, policy grants and subsidies, with rounds, rules, applications,
reviews and awards (DOMAIN.md §7, issue 11). Money is Decimal CNY with two places; the ledger
itself is the support fund's (`chainlead.funds`), referred to by its commitments and tranches."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainlead.programs.choices import (
    ApplicationStatus,
    AssignmentStatus,
    AwardStatus,
    BatchStatus,
    ConditionKind,
    ConditionStatus,
    ProgramKind,
    Provenance,
)

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Program(models.Model):
    """A competition, policy grant or subsidy, with its policy document and its caps."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=14, choices=ProgramKind.choices)
    policy = models.ForeignKey(
        "governance.PolicyItem",
        verbose_name=_("policy document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
    )
    district = models.ForeignKey(
        "registry.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        help_text=_("Empty: a city program."),
    )
    description = models.TextField(_("description"), blank=True)
    award_cap = models.DecimalField(_("cap per recipient (CNY)"), **MONEY)  # type: ignore[arg-type]
    # The fund's budget line is found by this reference (funds.services.budget_line_for);
    # empty means "programs.Program:<pk>".
    budget_reference = models.CharField(_("budget line reference"), max_length=100, blank=True)
    # [{"name", "label", "type", "required"}]: the application form (choices.FieldType).
    form_schema = models.JSONField(_("application form"), default=list, blank=True)
    # [{"name", "label", "max", "weight"}]: what reviewers score.
    rubric = models.JSONField(_("review rubric"), default=list, blank=True)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=3
    )
    # JSON Logic over the firm's data giving the amount in CNY (no-application grants only).
    amount_logic = models.JSONField(_("amount (JSON Logic)"), null=True, blank=True)
    amounts_source = models.CharField(
        _("amounts as the document states"), max_length=500, blank=True
    )
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.ENTERED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program_detail", kwargs={"pk": self.pk})

    @property
    def line_reference(self) -> str:
        return self.budget_reference or f"programs.Program:{self.pk}"

    @property
    def is_synthetic(self) -> bool:
        return self.provenance == Provenance.SYNTHETIC

    @property
    def no_application(self) -> bool:
        """免申即享: the amount is computable from the registry, nobody applies."""
        return self.amount_logic is not None


class RuleVersion(models.Model):
    """One version of a program's eligibility rules; each edit adds one, and every evaluation
    records the number it used. `rules`: [{"kind", "label", "logic", "reason_template"}]."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rule_versions")
    number = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"), default=list)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="rule_version_unique")
        ]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"


class Round(models.Model):
    """One call of a program, open between two dates, paid from one fiscal year's line."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))

    class Meta:
        ordering = ["program", "-opens_on", "id"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return f"{self.program} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:round_detail", kwargs={"pk": self.pk})

    def is_open(self, today: Any) -> bool:
        return bool(self.opens_on <= today <= self.closes_on)


class AwardTier(models.Model):
    """A prize level (first prize, second prize …) and its cap."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(_("name"), max_length=100)
    cap = models.DecimalField(_("cap (CNY)"), **MONEY)  # type: ignore[arg-type]
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["program", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="tier_unique")]
        verbose_name = _("award tier")
        verbose_name_plural = _("award tiers")

    def __str__(self) -> str:
        return f"{self.name} (≤ {self.cap} CNY)"


class Application(models.Model):
    """A firm's (or its team's) application to a round: form data, status, eligibility."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="program_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="program_applications"
    )
    title = models.CharField(_("project title"), max_length=300)
    institution = models.CharField(
        _("institution"), max_length=200, blank=True, help_text=_("For conflicts of interest.")
    )
    # [{"name", "age", "returnee"}]: for talent programs' team rules.
    team = models.JSONField(_("team"), default=list, blank=True)
    data = models.JSONField(_("form answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default="draft"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    eligibility = models.JSONField(_("eligibility"), default=list, blank=True)
    rules_version = models.PositiveIntegerField(_("rules version"), null=True, blank=True)
    normalised_score = models.FloatField(_("normalised score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.ENTERED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "enterprise"], name="application_once_per_round"
            )
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.title} ({self.enterprise})"

    def get_absolute_url(self) -> str:
        return reverse("programs:application_detail", kwargs={"pk": self.pk})


class Attachment(models.Model):
    """A file attached to an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="programs/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Panel(models.Model):
    """The review panel of a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(_("name"), max_length=200)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="program_panels", blank=True
    )

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")

    def __str__(self) -> str:
        return f"{self.round} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:round_detail", kwargs={"pk": self.round_id})


class ConflictDeclaration(models.Model):
    """A reviewer's declaration on one application, made before seeing it (only its title
    and firm): a conflicted reviewer is never assigned it."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="declarations")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="program_declarations"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="declarations"
    )
    conflict = models.BooleanField(_("conflict of interest"))
    institution = models.CharField(_("reviewer's institution"), max_length=200, blank=True)
    relation = models.CharField(_("named relation"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared"))

    class Meta:
        ordering = ["panel", "reviewer", "application"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "application"], name="declaration_once_per_application"
            )
        ]
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.application_id}: {self.conflict}"


class Assignment(models.Model):
    """One reviewer reviewing one application, with their rubric scores."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="program_assignments"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default="assigned"
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(
        _("weighted total"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.ENTERED
    )

    class Meta:
        ordering = ["panel", "application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_once_per_reviewer"
            )
        ]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application_id}"

    def get_absolute_url(self) -> str:
        return reverse("programs:assignment_detail", kwargs={"pk": self.pk})


class PayoutBatch(models.Model):
    """A no-application (免申即享) batch: every eligible firm with its amount and reasons, for
    an official to approve."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="batches")
    rules_version = models.PositiveIntegerField(_("rules version"))
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default="computed"
    )
    computed_at = models.DateTimeField(_("computed"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    firms_considered = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "-computed_at", "-id"]
        verbose_name = _("no-application batch")
        verbose_name_plural = _("no-application batches")

    def __str__(self) -> str:
        return f"{self.round} · batch {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("programs:batch_detail", kwargs={"pk": self.pk})


class BatchItem(models.Model):
    """One eligible firm of a batch: its amount and the reasons of each rule."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="items")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)  # type: ignore[arg-type]
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        ordering = ["batch", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "enterprise"], name="batch_item_unique")
        ]
        verbose_name = _("batch item")
        verbose_name_plural = _("batch items")

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.amount}"


class Award(models.Model):
    """Money awarded to one firm in one round (at most one: re-running a batch or pressing
    twice never makes a second), committed in the fund's ledger."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="awards")
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="program_awards"
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="award"
    )
    batch = models.ForeignKey(
        PayoutBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    tier = models.ForeignKey(
        AwardTier, null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)  # type: ignore[arg-type]
    commitment = models.OneToOneField(
        "funds.Commitment", on_delete=models.PROTECT, related_name="program_award"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AwardStatus.choices, default="committed"
    )
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    bank_confirmed_at = models.DateTimeField(_("bank account confirmed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=Provenance.choices, default=Provenance.ENTERED
    )

    class Meta:
        ordering = ["round", "-amount", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "enterprise"], name="award_once_per_round")
        ]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.amount} CNY"

    def get_absolute_url(self) -> str:
        return reverse("programs:award_detail", kwargs={"pk": self.pk})


class Condition(models.Model):
    """A part of an award released by a condition. When it holds, its tranche is posted to the
    ledger (for a second official to approve and pay); not met by `due_on`, it lapses and its
    amount returns to the line."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(_("condition"), max_length=20, choices=ConditionKind.choices)
    text = models.CharField(_("as stated"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)  # type: ignore[arg-type]
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=8, choices=ConditionStatus.choices, default="pending"
    )
    met_on = models.DateField(_("met on"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    tranche = models.OneToOneField(
        "funds.Tranche", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["award", "due_on", "id"]
        verbose_name = _("award condition")
        verbose_name_plural = _("award conditions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.amount} CNY by {self.due_on}"


class Notice(models.Model):
    """A message to a firm about its award (a lapsed condition, a batch approved)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="notices")
    message = models.CharField(_("message"), max_length=500)
    created_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.message
