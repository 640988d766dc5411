"""Tables of the chain pages: export columns of the map and of a segment's firms, and the
django-tables2 table of the membership review queue."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from chainlead.chains.choices import MembershipRole, SegmentStatus
from chainlead.chains.models import Membership
from chainlead.core.export import Column
from chainlead.core.tables import PlatformTable
from chainlead.registry.choices import DataProvenance


def _status(fig: Any) -> str:
    return str(SegmentStatus(fig.status).label)


def _hhi(fig: Any) -> Any:
    return None if fig.hhi is None else round(fig.hhi, 4)


def _top_firms(fig: Any) -> str:
    return "、".join(f["name"] for f in fig.top_firms)


# Rows are chainlead.chains.selectors.SegmentFigures.
CHAIN_MAP_COLUMNS: list[Column] = [
    (_("Position"), "order"),
    (_("Segment"), "name"),
    (_("Segment (English)"), "name_en"),
    (_("Firms"), "firms"),
    (_("Local"), "local"),
    (_("Attracted"), "attracted"),
    (_("Revenue (10,000 CNY)"), "revenue"),
    (_("R&D (10,000 CNY)"), "rd_spend"),
    (_("Concentration (HHI)"), _hhi),
    (_("HHI of"), "hhi_basis"),
    (_("Status"), _status),
    (_("Status code"), "status"),
    (_("Pending review"), "pending_review"),
    (_("Top firms"), _top_firms),
]


def _role(firm: Any) -> str:
    role = getattr(firm, "segment_role", None)
    return str(MembershipRole(role).label) if role else ""


# Rows are Enterprise objects annotated with `segment_role` (see views._segment_firms).
SEGMENT_FIRM_COLUMNS: list[Column] = [
    (_("Name"), "name"),
    (_("Unified social credit code"), "credit_code"),
    (_("District"), "district.name"),
    (_("Industry"), "industry"),
    (_("Size class"), "get_size_class_display"),
    (_("Origin"), "get_origin_display"),
    (_("Attracted from"), "origin_place"),
    (_("Revenue (10,000 CNY)"), "revenue"),
    (_("R&D (10,000 CNY)"), "rd_spend"),
    (_("Employees"), "employees"),
    (_("Role in segment"), _role),
    (_("Synthetic"), lambda e: e.provenance == DataProvenance.SYNTHETIC),
]


class ReviewQueueTable(PlatformTable):
    """Text-rule memberships waiting for an official's decision."""

    # Ticks for the bulk decision: the boxes belong to the form above the table (form=).
    select = tables.TemplateColumn(
        template_code=(
            '<input type="checkbox" name="pk" value="{{ record.pk }}" form="bulk-review" '
            'aria-label="{{ record.enterprise.name }}">'
        ),
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )
    enterprise = tables.TemplateColumn(
        template_name="chains/partials/_review_firm_cell.html",
        verbose_name=_("Firm"),
        order_by=("enterprise__name",),
    )
    segment = tables.TemplateColumn(
        template_code="{{ record.segment.chain.name }} · {{ record.segment.name }}",
        verbose_name=_("Segment"),
        order_by=("segment__chain__order", "segment__order"),
    )
    confidence = tables.TemplateColumn(
        template_code='<span class="num">{{ record.confidence|floatformat:2 }}</span>',
        verbose_name=_("Confidence"),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    impact = tables.TemplateColumn(
        # A template file, so that its words reach the translation catalogue.
        template_name="chains/partials/_review_impact.html",
        verbose_name=_("If accepted"),
        order_by=("segment_accepted",),
    )
    evidence = tables.TemplateColumn(
        template_code=(
            '{% load chains_tags %}<span class="evidence">'
            '{{ record.evidence|evidence_label|default:"—" }}</span>'
        ),
        verbose_name=_("Evidence"),
        orderable=False,
    )
    source = tables.Column(verbose_name=_("Source"))
    decide = tables.TemplateColumn(
        template_name="chains/partials/_review_buttons.html",
        verbose_name=_("Decision"),
        orderable=False,
    )

    class Meta:
        model = Membership
        fields = (
            "select",
            "enterprise",
            "segment",
            "impact",
            "confidence",
            "evidence",
            "source",
            "decide",
        )
        sequence = fields
        attrs = {"class": "data review-queue"}
        row_attrs = {
            "id": lambda record: f"review-{record.pk}",
            "data-membership": lambda record: record.pk,
        }
        empty_text = _("Nothing waits for review.")


REVIEW_EXPORT_COLUMNS: list[Column] = [
    (_("Firm"), "enterprise.name"),
    (_("Unified social credit code"), "enterprise.credit_code"),
    (_("Chain"), "segment.chain.name"),
    (_("Segment"), "segment.name"),
    (_("Accepted firms in the segment"), "segment_accepted"),
    (_("Confidence"), "confidence"),
    (_("Evidence"), "evidence"),
    (_("Source"), "get_source_display"),
]
