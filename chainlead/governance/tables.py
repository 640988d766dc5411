"""Tables and export columns of the governance lists."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from chainlead.core.tables import PlatformTable
from chainlead.governance.models import PolicyItem


class PolicyItemTable(PlatformTable):
    title = tables.LinkColumn(
        "governance:policy_detail", args=[tables.A("pk")], verbose_name=_("Title")
    )
    chain_count = tables.Column(verbose_name=_("Chains"), attrs={"td": {"class": "num"}})

    class Meta:
        model = PolicyItem
        fields = ("title", "issuing_body", "doc_number", "date_text", "topic", "chain_count")
        sequence = ("title", "issuing_body", "doc_number", "date_text", "topic", "chain_count")
        attrs = {"class": "data"}
        order_by = ("-date_text",)
        empty_text = _("No policy item matches these filters.")


POLICY_EXPORT_COLUMNS = [
    (_("title"), "title"),
    (_("issuing body"), "issuing_body"),
    (_("document number"), "doc_number"),
    (_("date"), "date_text"),
    (_("date basis"), "get_date_basis_display"),
    (_("topic"), "get_topic_display"),
    (_("what it supports"), "supports"),
    (_("amounts as stated"), "amounts"),
    (_("budget (10,000 CNY)"), "budget"),
    (_("source"), "source_url"),
]
