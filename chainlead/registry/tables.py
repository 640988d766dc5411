"""django-tables2 tables of the registry."""

from typing import Any

import django_tables2 as tables
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chainlead.core.html import format_html
from chainlead.core.tables import PlatformTable
from chainlead.registry.choices import Origin
from chainlead.registry.models import Enterprise, Industry


class EnterpriseTable(PlatformTable):
    name = tables.Column(
        verbose_name=_("name"), linkify=("registry:enterprise_detail", {"pk": tables.A("pk")})
    )
    credit_code = tables.Column(verbose_name=_("credit code"), empty_values=())
    stock_code = tables.Column(verbose_name=_("stock code"), default="—")
    district = tables.Column(
        verbose_name=_("district"), order_by=("district__code",), empty_values=()
    )
    industry = tables.Column(verbose_name=_("industry"), order_by=("industry_id",), default="—")
    size_class = tables.Column(verbose_name=_("size"), default="—")
    employees = tables.Column(
        verbose_name=_("employees"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    revenue = tables.Column(
        verbose_name=_("revenue (10,000 CNY)"),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    origin = tables.Column(verbose_name=_("origin"))
    provenance = tables.Column(verbose_name=_("data"), orderable=True)

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "credit_code",
            "stock_code",
            "district",
            "industry",
            "size_class",
            "employees",
            "revenue",
            "origin",
            "provenance",
        )
        default_columns = fields
        attrs = {"class": "data"}
        empty_text = _("No firm matches these filters.")
        order_by = ("name",)

    def render_credit_code(self, value: Any) -> SafeString:
        if not value:
            return format_html('<span class="unknown">{}</span>', gettext("credit code not public"))
        return format_html("<code>{}</code>", value)

    def render_district(self, value: Any) -> SafeString:
        if value is None:
            return format_html('<span class="unknown">{}</span>', gettext("district unknown"))
        return format_html("{}", value)

    def render_industry(self, value: Industry, record: Enterprise) -> SafeString:
        # django-tables2 renders a missing industry as the column default, not through here.
        return format_html('<span title="{}">{}</span>', value.name, value.code)

    def render_revenue(self, value: Any) -> str:
        return f"{value:,.0f}"

    def render_employees(self, value: Any) -> str:
        return f"{value:,}"

    def render_origin(self, value: Any, record: Enterprise) -> SafeString:
        if record.origin == Origin.ATTRACTED:
            return format_html('<span class="badge badge-attracted">{}</span>', value)
        return format_html('<span class="muted">{}</span>', value)

    def render_provenance(self, value: Any, record: Enterprise) -> SafeString:
        if record.is_synthetic:
            return format_html('<span class="badge badge-synthetic">{}</span>', value)
        return format_html('<span class="small muted">{}</span>', value)
