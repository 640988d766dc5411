"""Industrial chains as upstream→downstream segment graphs, and the firms in each segment."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainlead.chains.choices import (
    ClassifyJobKind,
    ClassifyJobStatus,
    MembershipRole,
    MembershipSource,
    ReviewStatus,
)
from chainlead.core.text import localized
from chainlead.registry.models import Enterprise


class Chain(models.Model):
    """An industrial chain (产业链) the city manages. Chains are data: a city defines its own."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")

    def __str__(self) -> str:
        # In the reader's language: pickers, filters and the admin show a chain by its name.
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (the English name where there is one)."""
        return localized(self.name, self.name_en)

    @property
    def description_label(self) -> str:
        return localized(self.description, self.description_en)


class Segment(models.Model):
    """A link (环节) of a chain, defined by industry classes and keywords."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="segments")
    slug = models.SlugField(_("slug"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Upstream segments come first.")
    )
    industry_codes = models.JSONField(
        _("industry codes"),
        default=list,
        blank=True,
        help_text=_("GB/T 4754-2017 codes (any level) whose firms belong here."),
    )
    keywords = models.JSONField(
        _("keywords"), default=list, blank=True, help_text=_("Words in a firm's business text.")
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)

    class Meta:
        ordering = ["chain", "order"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "slug"], name="segment_slug_unique_in_chain"),
            models.UniqueConstraint(
                fields=["chain", "order"], name="segment_order_unique_in_chain"
            ),
        ]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return f"{self.chain.label} · {self.label}"

    @property
    def label(self) -> str:
        """The name in the reader's language (the English name where there is one)."""
        return localized(self.name, self.name_en)

    @property
    def description_label(self) -> str:
        return localized(self.description, self.description_en)


class SegmentLink(models.Model):
    """A supply edge: `upstream` feeds `downstream` within one chain."""

    upstream = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="downstream_links")
    downstream = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="upstream_links")

    class Meta:
        ordering = ["upstream__order", "downstream__order"]
        constraints = [
            models.UniqueConstraint(fields=["upstream", "downstream"], name="segment_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(upstream=models.F("downstream")), name="segment_link_not_self"
            ),
        ]
        verbose_name = _("segment link")
        verbose_name_plural = _("segment links")

    def __str__(self) -> str:
        return f"{self.upstream.name} → {self.downstream.name}"


class Membership(models.Model):
    """An enterprise's place in a segment: its role, and how it got there."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=12, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=MembershipSource.choices,
        default=MembershipSource.MANUAL,
    )
    confidence = models.DecimalField(
        _("confidence"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.ACCEPTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["segment", "enterprise"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "segment"], name="membership_once_per_segment"
            )
        ]
        indexes = [models.Index(fields=["segment", "review_status"])]
        verbose_name = _("segment membership")
        verbose_name_plural = _("segment memberships")

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.segment}"


class ClassifyJob(models.Model):
    """One classification run started from the platform's pages or API (chains.classify_jobs):
    a file of firms' texts read by the division classifier, or the registry's firms re-placed
    on the chains. Who, when, the file's sha256 and the counts are kept here and in the audit
    log; the row carries the progress the job page polls."""

    kind = models.CharField(_("kind"), max_length=10, choices=ClassifyJobKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Touched as the job makes progress: a job that stops touching it died with its process.
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ClassifyJobStatus.choices,
        default=ClassifyJobStatus.PENDING,
    )
    file = models.FileField(_("uploaded file"), upload_to="classify/%Y/%m/", blank=True)
    filename = models.CharField(_("file"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    result = models.FileField(_("result file"), upload_to="classify/results/%Y/%m/", blank=True)
    # Re-placing: the chains' slugs the starter may edit (empty: every chain, a city admin).
    chain_slugs = models.JSONField(_("chains"), default=list, blank=True)
    use_model = models.BooleanField(_("text classifier used"), default=False)
    model_version = models.CharField(_("model version"), max_length=100, blank=True)
    training_sha256 = models.CharField(_("training data fingerprint"), max_length=64, blank=True)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("memberships created"), default=0)
    updated_count = models.PositiveIntegerField(_("memberships updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("memberships unchanged"), default=0)
    message = models.TextField(_("message"), blank=True)  # English, for the log
    # The message with its message id and values, shown in the reader's language
    # (chainlead.core.reasons).
    message_parts = models.JSONField(_("message in parts"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("classification job")
        verbose_name_plural = _("classification jobs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.filename}".rstrip()

    @property
    def is_running(self) -> bool:
        return self.status in {ClassifyJobStatus.PENDING, ClassifyJobStatus.RUNNING}

    @property
    def progress_percent(self) -> int:
        if self.status == ClassifyJobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.processed / self.total))
