"""Enterprise requests (诉求, DOMAIN.md §4): routing, time limits, timeline, escalation.

Public surface for other apps (e.g. governance action items "tracked like a request"):
read through `chainlead.requests.selectors` (`request_list`, `request_figures`), write through
`chainlead.requests.services` (`request_raise`, `request_transition`, ...). Never save these
models directly.
"""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainlead.requests.choices import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Channel,
    Escalation,
    EventKind,
    Status,
)
from chainlead.requests.constants import ATTACHMENT_EXTENSIONS, ATTACHMENT_MAX_BYTES


class Department(models.Model):
    """A government department that owns and works requests (e.g. 市人社局, 市规划和自然资源局)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class DepartmentMember(models.Model):
    """`user` is a department officer of `department`: sees and works what is routed there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="members")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="department_member_once")
        ]
        verbose_name = _("department officer")
        verbose_name_plural = _("department officers")

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


class RoutingRule(models.Model):
    """Category (optionally narrowed to a district or chain) → the department that owns it.

    The most specific matching rule wins: chain and district > chain > district > category only.
    """

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    district = models.ForeignKey(
        "registry.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="rules"
    )

    class Meta:
        ordering = ["category", "chain", "district"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        scope = " / ".join(str(s) for s in (self.chain, self.district) if s)
        return f"{self.get_category_display()}{f' ({scope})' if scope else ''} → {self.department}"

    def clean(self) -> None:
        # Checked here, not by a unique constraint: NULL scopes are distinct in SQL, and
        # NULLS NOT DISTINCT is PostgreSQL-only.
        district = (
            Q(district_id=self.district_id)
            if self.district_id is not None
            else Q(district__isnull=True)
        )
        chain = Q(chain_id=self.chain_id) if self.chain_id is not None else Q(chain__isnull=True)
        twins = RoutingRule.objects.filter(district, chain, category=self.category).exclude(
            pk=self.pk
        )
        if twins.exists():
            raise ValidationError(_("A rule for this category and scope already exists."))


class TimeLimit(models.Model):
    """The time limit of a category in working days (admin-editable; defaults in constants)."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )

    class Meta:
        ordering = ["category"]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.working_days}"


class CalendarOverride(models.Model):
    """A date whose working status differs from the calendar package (or a year it lacks)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date}: {'workday' if self.is_workday else 'day off'}"


class CalendarYear(models.Model):
    """A year whose holidays and make-up workdays are all entered as overrides, from the State
    Council's notice: deadlines in it are then exact. One override alone does not make a year
    known (a correction of one day says nothing of the rest of the year)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(_("notice"), max_length=100, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("completed calendar year")
        verbose_name_plural = _("completed calendar years")

    def __str__(self) -> str:
        return str(self.year)


class Tag(models.Model):
    """One tag taxonomy for requests from every channel."""

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class EnterpriseRequest(models.Model):
    """A firm's difficulty (诉求), from raising to the firm's confirmation and rating."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.FIRM_PAGE
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="requests")
    hotline_ticket = models.CharField(
        _("12345 ticket number"), max_length=40, unique=True, null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("same problem as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RAISED
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # The clock: a deadline date in working days; waiting for the firm pauses it and the paused
    # working days are added on resumption.
    working_days_limit = models.PositiveSmallIntegerField(_("time limit (working days)"))
    deadline = models.DateField(_("deadline"), db_index=True)
    deadline_unknown_years = models.CharField(max_length=40, blank=True, editable=False)
    paused_on = models.DateField(_("paused since"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("working days paused"), default=0)
    days_to_close = models.PositiveIntegerField(_("working days to close"), null=True, blank=True)
    # Escalation: level and the second time limit, set by `chainlead escalate` in bulk.
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    leader_deadline = models.DateField(_("deadline before the chain leader"), null=True, blank=True)
    leader_escalated_at = models.DateTimeField(
        _("escalated to the chain leader"), null=True, blank=True
    )
    escalation_run = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="request_status_deadline"),
            models.Index(fields=["escalation_level", "status"], name="request_escalation"),
            models.Index(fields=["chain", "status"], name="request_chain_status"),
            models.Index(fields=["department", "status"], name="request_department_status"),
            # The problem list shows the newest first, 50 a page: walking these in order reads
            # one page of rows instead of sorting every request of the chain (or of the city).
            models.Index(fields=["chain", "raised_at"], name="request_chain_raised"),
            models.Index(fields=["raised_at"], name="request_raised"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="request_rating_1_to_5",
            ),
        ]
        verbose_name = _("enterprise request")
        verbose_name_plural = _("enterprise requests")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("requests:request_detail", args=[self.pk])

    def clean(self) -> None:
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A request cannot be its own parent.")})

    @property
    def reference(self) -> str:
        """The number shown to people: SQ + year + id (诉求)."""
        year = self.raised_at.year if self.raised_at else dt.date.today().year  # noqa: DTZ011
        return f"SQ{year}-{self.pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in (Status.RAISED, Status.ACCEPTED, Status.IN_PROGRESS) and (
            self.deadline < today
        )

    @property
    def deadline_estimated(self) -> bool:
        return bool(self.deadline_unknown_years)


class RequestEvent(models.Model):
    """One row of a request's timeline: a transition, an escalation, a link or an attachment."""

    request = models.ForeignKey(EnterpriseRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance: RequestAttachment, filename: str) -> str:
    return f"requests/{instance.request_id}/{filename}"


def validate_attachment(file: object) -> None:
    size = getattr(file, "size", 0) or 0
    name = getattr(file, "name", "") or ""
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB."), params={"mb": ATTACHMENT_MAX_BYTES // 2**20}
        )
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if ext not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            _("Files of type %(ext)s are not accepted (allowed: %(allowed)s)."),
            params={"ext": ext or "?", "allowed": ", ".join(ATTACHMENT_EXTENSIONS)},
        )


class RequestAttachment(models.Model):
    """A file attached to a request by the firm or a department."""

    request = models.ForeignKey(
        EnterpriseRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=_attachment_path, validators=[validate_attachment], max_length=300
    )
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
