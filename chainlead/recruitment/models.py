"""Recruitment (招商): firms elsewhere that could fill a chain gap, and the pipeline to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainlead.chains.models import Chain, Segment
from chainlead.recruitment.choices import ActivityKind, PromiseKind, Stage
from chainlead.registry.models import Enterprise, Industry


class Target(models.Model):
    """A firm outside the city that the chain's task force tries to attract."""

    chain = models.ForeignKey(Chain, on_delete=models.PROTECT, related_name="targets")
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    name = models.CharField(_("name"), max_length=200)
    stock_code = models.CharField(_("stock code"), max_length=10, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    location = models.CharField(
        _("where it is"), max_length=100, help_text=_("Province, city or country.")
    )
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.DecimalField(
        _("revenue (10,000 CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    main_business = models.TextField(_("main business"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recruitment_targets",
        verbose_name=_("owner"),
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.IDENTIFIED, db_index=True
    )
    lost_reason = models.CharField(_("reason lost"), max_length=300, blank=True)
    landed_enterprise = models.OneToOneField(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recruitment_target",
        verbose_name=_("landed as"),
    )
    is_public_data = models.BooleanField(
        default=False, help_text=_("Imported from public listed-company data.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["chain", "stage", "name"]
        verbose_name = _("recruitment target")
        verbose_name_plural = _("recruitment targets")
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "name"], name="recruitment_target_once_per_chain"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.chain.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("recruitment:target_detail", args=[self.pk])


class StageChange(models.Model):
    """One move of a target through the pipeline (the board's history)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["target", "at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.target.name}: {self.from_stage} → {self.to_stage}"

    @property
    def is_backward(self) -> bool:
        """A step back along the pipeline (a move back, with its reason in `note`)."""
        from chainlead.recruitment.choices import PIPELINE

        stages = [s.value for s in PIPELINE]
        if self.from_stage not in stages or self.to_stage not in stages:
            return False
        return stages.index(self.to_stage) < stages.index(self.from_stage)


class Activity(models.Model):
    """A contact, visit or note logged on a target."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=8, choices=ActivityKind.choices)
    on = models.DateField(_("date"))
    summary = models.TextField(_("summary"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target", "-on", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.target.name} {self.kind} {self.on}"


class Promise(models.Model):
    """What a target promised when it signed: tracked against the registry after landing."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="promises")
    kind = models.CharField(_("kind"), max_length=12, choices=PromiseKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    due_year = models.PositiveSmallIntegerField(_("by year"))

    class Meta:
        ordering = ["target", "due_year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "kind", "due_year"], name="promise_once_per_kind_year"
            )
        ]
        verbose_name = _("promise")
        verbose_name_plural = _("promises")

    def __str__(self) -> str:
        return f"{self.target.name}: {self.kind} {self.amount} by {self.due_year}"


class ExternalFirm(models.Model):
    """A firm outside the city: the pool recruitment candidates are ranked from.

    Also the rest of the country in the region × industry matrices of the analytics.
    """

    name = models.CharField(_("name"), max_length=200)
    stock_code = models.CharField(
        _("stock code"), max_length=10, unique=True, null=True, blank=True
    )
    province = models.CharField(_("province"), max_length=20, db_index=True)
    city = models.CharField(_("city"), max_length=30, blank=True, db_index=True)
    industry = models.ForeignKey(
        Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.DecimalField(
        _("revenue (10,000 CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    revenue_growth = models.FloatField(
        _("revenue growth"), null=True, blank=True, help_text=_("Yearly, as a fraction.")
    )
    main_business = models.TextField(_("main business"), blank=True)
    source_note = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["province", "city", "name"]
        verbose_name = _("firm outside the city")
        verbose_name_plural = _("firms outside the city")

    def __str__(self) -> str:
        return f"{self.name} ({self.city or self.province})"


class AnalysisRun(models.Model):
    """One analytics result with the data snapshot and parameters it was computed from.

    A published figure can be reproduced exactly: the snapshot names the input rows' hash.
    """

    class Kind(models.TextChoices):
        COMPLEXITY = "complexity", _("economic complexity")
        RANKING = "ranking", _("target ranking")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    params = models.JSONField(_("parameters"))
    snapshot = models.JSONField(_("data snapshot"))
    results = models.JSONField(_("results"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
