"""The enterprise registry: districts, the industry classification, firms and their indicators."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chainlead.core.text import localized, search_key
from chainlead.core.validators import validate_visible_text
from chainlead.registry.choices import (
    DataProvenance,
    ImportStatus,
    IndustryLevel,
    Origin,
    SizeClass,
)
from chainlead.registry.validators import validate_credit_code

WAN_YUAN = _("10,000 CNY")  # Chinese statistics report money in 万元


class District(models.Model):
    """A county-level division of the installation's city (区, 县, 县级市)."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=30, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        # In the reader's language: pickers, filters and the admin show a district by its name.
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (the English name where there is one)."""
        return localized(self.name, self.name_en)


class Industry(models.Model):
    """A code of GB/T 4754-2017 at any of its four levels."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=8, choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    note = models.TextField(_("explanatory note"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def division_code(self) -> str | None:
        return self.code[:2] if self.code[:1].isdigit() else None


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def search(self, text: str) -> "EnterpriseQuerySet":
        """Name search in which Traditional and Simplified characters are equal."""
        key = search_key(text)
        if not key:
            return self
        return self.filter(Q(search_text__contains=key) | Q(credit_code=text.strip().upper()))

    def real(self) -> "EnterpriseQuerySet":
        return self.exclude(provenance=DataProvenance.SYNTHETIC)


class Enterprise(models.Model):
    """A firm in the city's registry (DOMAIN.md §2)."""

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("Empty when the code is not public."),
    )
    stock_code = models.CharField(
        _("stock code"), max_length=10, unique=True, null=True, blank=True
    )
    # Names read as what they are: no bidi overrides or zero-width characters (issue 9).
    name = models.CharField(
        _("name"), max_length=200, db_index=True, validators=[validate_visible_text]
    )
    short_name = models.CharField(
        _("short name"), max_length=100, blank=True, validators=[validate_visible_text]
    )
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, validators=[validate_visible_text]
    )
    search_text = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    founded = models.DateField(_("founding date"), null=True, blank=True)
    founded_year_only = models.BooleanField(
        _("founding year known, not the day"), default=False, editable=False
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    size_class = models.CharField(
        _("size class"), max_length=8, choices=SizeClass.choices, blank=True
    )
    above_designated_size = models.BooleanField(_("above designated size"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.DecimalField(
        _("revenue (10,000 CNY)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    rd_spend = models.DecimalField(
        _("R&D spend (10,000 CNY)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    registered_capital = models.DecimalField(
        _("registered capital (10,000 CNY)"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    business_scope = models.TextField(_("business scope"), blank=True)
    main_business = models.TextField(_("main business"), blank=True)
    listed = models.BooleanField(_("listed"), default=False)
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.LOCAL
    )
    origin_place = models.CharField(_("attracted from"), max_length=100, blank=True)
    landed_on = models.DateField(_("landed on"), null=True, blank=True)
    recruitment_effort = models.CharField(_("recruitment effort"), max_length=200, blank=True)
    provenance = models.CharField(
        _("data provenance"),
        max_length=10,
        choices=DataProvenance.choices,
        default=DataProvenance.ENTERED,
        db_index=True,
    )
    source_note = models.CharField(_("source"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["district", "size_class", "origin"]),
            models.Index(fields=["industry"]),
            models.Index(F("revenue").desc(), name="enterprise_revenue_desc"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = search_key(" ".join(filter(None, [self.name, self.short_name])))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_synthetic(self) -> bool:
        return self.provenance == DataProvenance.SYNTHETIC

    @property
    def identifier(self) -> str:
        """The best public identifier: credit code, else stock code, else the name."""
        return self.credit_code or self.stock_code or self.name


class EnterpriseIndicator(models.Model):
    """One year of a firm's figures (the time series of DOMAIN.md §2)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="indicators")
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(
        _("revenue (10,000 CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    rd_spend = models.DecimalField(
        _("R&D spend (10,000 CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    patents = models.PositiveIntegerField(_("patents"), null=True, blank=True)
    tax = models.DecimalField(
        _("tax paid (10,000 CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["enterprise", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="indicator_one_per_year")
        ]
        verbose_name = _("yearly indicator")
        verbose_name_plural = _("yearly indicators")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class ImportJob(models.Model):
    """One import of an enterprise file: its progress, outcome and every error found."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)  # in English, for the log and the command line
    # The message's parts with their message ids and values, shown in the reader's language
    # (chainlead.core.reasons); empty for jobs finished before it existed.
    message_parts = models.JSONField(default=list, blank=True)
    # Touched as the job makes progress; a job that stops touching it died with its process
    # (importers.jobs.import_jobs_fail_stale marks it failed).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.SUCCEEDED else 0
        return min(100, int(100 * self.processed_rows / self.total_rows))


class EnterpriseSearch(models.Model):
    """A firm's search document (`core.search.search_document` of its names, codes and
    business), kept by `registry.search` on every save and after imports and bulk writes.

    Indexed apart from the firm (PostgreSQL: a GIN trigram index; SQLite: an FTS5 trigram
    table), so the firm's own table stays narrow. `version` is the firm's `version` it was made
    from: a firm whose version differs, or that has none, is re-indexed by `search_catch_up`."""

    enterprise = models.OneToOneField(
        Enterprise, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    document = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["enterprise"]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.document[:60]}"
