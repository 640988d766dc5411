"""django-tables2 table of the request list (the problem list)."""

from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from chainlead.core.html import format_html
from chainlead.core.tables import PlatformTable
from chainlead.requests.choices import Status
from chainlead.requests.models import EnterpriseRequest

STATUS_BADGE: dict[str, str] = {
    Status.RAISED: "badge-muted",
    Status.ACCEPTED: "badge-attracted",
    Status.IN_PROGRESS: "badge-attracted",
    Status.WAITING_FIRM: "status-weak",
    Status.RESOLVED: "status-ok",
    Status.CONFIRMED: "status-ok",
}


class RequestTable(PlatformTable):
    reference = tables.Column(
        verbose_name=_("number"),
        accessor="pk",
        linkify=("requests:request_detail", {"pk": tables.A("pk")}),
    )
    title = tables.Column(
        verbose_name=_("title"), linkify=("requests:request_detail", {"pk": tables.A("pk")})
    )
    enterprise = tables.Column(verbose_name=_("firm"), order_by=("enterprise__name",))
    category = tables.Column(verbose_name=_("category"))
    chain = tables.Column(verbose_name=_("chain"), default="—")
    department = tables.Column(verbose_name=_("department"), default="—")
    status = tables.Column(verbose_name=_("status"))
    deadline = tables.Column(verbose_name=_("deadline"))
    escalation_level = tables.Column(verbose_name=_("escalation"))
    raised_at = tables.DateTimeColumn(verbose_name=_("raised"), format="Y-m-d")

    class Meta:
        model = EnterpriseRequest
        fields = (
            "reference",
            "title",
            "enterprise",
            "category",
            "chain",
            "department",
            "status",
            "deadline",
            "escalation_level",
            "raised_at",
        )
        default_columns = fields
        attrs = {"class": "data"}
        order_by = ("-raised_at",)
        empty_text = _(
            "No request matches these filters. Firms raise requests from their own page; "
            "commissioners and task forces raise them for a firm; 12345 records are imported."
        )

    def render_reference(self, record: EnterpriseRequest) -> str:
        return record.reference

    def render_status(self, record: EnterpriseRequest) -> SafeString:
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGE.get(record.status, "badge-muted"),
            record.get_status_display(),
        )

    def render_deadline(self, record: EnterpriseRequest, value: Any) -> SafeString:
        overdue = record.is_overdue(timezone.localdate())
        return format_html(
            "{}{}{}",
            value.isoformat(),
            format_html(' <span class="badge status-missing">{}</span>', _("overdue"))
            if overdue
            else "",
            format_html(' <span class="badge status-weak" title="{}">≈</span>', _("estimated"))
            if record.deadline_estimated
            else "",
        )

    def render_escalation_level(self, record: EnterpriseRequest) -> SafeString | str:
        if not record.escalation_level:
            return "—"
        return format_html(
            '<span class="badge status-weak">{}</span>', record.get_escalation_level_display()
        )
