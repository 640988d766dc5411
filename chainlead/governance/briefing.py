"""The monthly briefing of a chain: a PDF (WeasyPrint) and an Excel workbook (openpyxl).

The PDF is rendered from `governance/briefing.html`; WeasyPrint runs no JavaScript, so its chart is
an SVG drawn here. Chinese text uses the "WenQuanYi Zen Hei" font (Debian's fonts-wqy-zenhei).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chainlead.accounts.types import Reader
from chainlead.chains.models import Chain
from chainlead.core.export import neutralise_formula
from chainlead.governance.dashboard import Dashboard, chain_dashboard, month_bounds


@dataclass
class Briefing:
    chain: Chain
    month: str
    start: dt.date
    end: dt.date
    generated_at: dt.datetime
    board: Dashboard

    @property
    def title(self) -> str:
        return _("%(chain)s chain: monthly briefing %(month)s") % {
            "chain": self.chain.name,
            "month": self.month,
        }


def briefing_data(
    *, user: Reader, chain: Chain, month: str, now: dt.datetime | None = None
) -> Briefing:
    """Everything of `month` ("YYYY-MM") that the briefing shows, as `user` may see it."""
    start, end = month_bounds(month)
    now = now or timezone.now()
    board = chain_dashboard(
        user=user, chain=chain, today=timezone.localtime(now).date(), period=(start, end)
    )
    return Briefing(chain=chain, month=month, start=start, end=end, generated_at=now, board=board)


def progress_svg(board: Dashboard, *, width: int = 640, bar_height: int = 22) -> SafeString:
    """A horizontal bar chart of the percent of each target reached (100% marked)."""
    rows = [p for p in board.progress if p.target is not None]
    if not rows:
        return mark_safe("")
    label_w, right_pad, top = 170, 60, 24
    plot_w = width - label_w - right_pad
    scale_max = max(100.0, *((p.percent or 0.0) for p in rows))
    scale_max = min(scale_max, 200.0)
    height = top + len(rows) * (bar_height + 12) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="WenQuanYi Zen Hei" font-size="12">'
    ]
    x100 = label_w + plot_w * 100 / scale_max
    parts.append(
        f'<line x1="{x100:.1f}" y1="{top - 8}" x2="{x100:.1f}" y2="{height - 6}" '
        'stroke="#b91c1c" stroke-dasharray="4 3" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{x100:.1f}" y="{top - 12}" text-anchor="middle" fill="#b91c1c">100%</text>'
    )
    for i, p in enumerate(rows):
        y = top + i * (bar_height + 12)
        pct = p.percent
        w = 0.0 if pct is None else plot_w * min(pct, scale_max) / scale_max
        colour = "#15803d" if (pct or 0) >= 100 else "#1d4ed8"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" '
            f'fill="#1f2933">{escape(p.label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_height}" fill="#eef2f7"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}"/>'
        )
        text = "—" if pct is None else f"{pct:.0f}%"
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.7:.1f}" '
            f'fill="#1f2933">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above


def render_html(data: Briefing) -> str:
    return render_to_string(
        "governance/briefing.html",
        {"b": data, "board": data.board, "chart": progress_svg(data.board)},
    )


def render_pdf(data: Briefing) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(data)).write_pdf()  # type: ignore[no-any-return]


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def text(value: object) -> str:
    """User text as a cell shows it literally (a title like `=HYPERLINK(…)` stays text), as
    the list exports write it (issue 9 item 7)."""
    return neutralise_formula("" if value is None else str(value))


def render_xlsx(data: Briefing) -> bytes:
    """One sheet each: targets vs actuals, requests, decisions, action items."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    board = data.board
    wb = Workbook()
    bold = Font(bold=True)

    ws = wb.active
    ws.title = _("Targets")
    ws.append([text(data.title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(
        [
            _("Indicator"),
            _("Unit"),
            _("Target"),
            _("Actual"),
            _("Reached (%)"),
            _("Source"),
            _("Coverage"),
        ]
    )
    for cell in ws[2]:
        cell.font = bold
    for p in board.progress:
        ws.append(
            [
                text(p.label),
                text(p.unit),
                _num(p.target),
                _num(p.actual.value),
                None if p.percent is None else round(p.percent, 1),
                text(dict(_source_labels()).get(p.actual.source, p.actual.source)),
                text(p.actual.coverage),
            ]
        )
    if not board.progress:
        ws.append([_("No work plan for %(year)s.") % {"year": board.year}])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["G"].width = 60

    rq = wb.create_sheet(_("Requests"))
    r = board.requests
    rq.append([_("Figure"), _("Value")])
    for cell in rq[1]:
        cell.font = bold
    if not r.available:
        rq.append([_("The requests app is not installed."), None])
    else:
        for label, value in (
            (_("Opened in the month"), r.opened),
            (_("Closed in the month"), r.closed),
            (_("Open now"), r.open),
            (_("Overdue"), r.overdue),
            (
                _("Closing rate (%)"),
                None if r.closing_rate is None else round(100 * r.closing_rate, 1),
            ),
            (_("Median days to close (working days)"), r.median_days),
            (_("90th percentile days to close"), r.p90_days),
            (
                _("Satisfaction (1-5)"),
                None if r.satisfaction_avg is None else round(r.satisfaction_avg, 2),
            ),
            (_("Ratings"), r.ratings),
        ):
            rq.append([label, value])
    rq.column_dimensions["A"].width = 40

    dec = wb.create_sheet(_("Decisions"))
    dec.append([_("Meeting"), _("Held at"), pgettext("meeting", "Decision")])
    for cell in dec[1]:
        cell.font = bold
    for d in board.decisions:
        dec.append(
            [
                text(d.meeting.title),
                timezone.localtime(d.meeting.held_at).replace(tzinfo=None),
                text(d.text),
            ]
        )
    dec.column_dimensions["A"].width = 30
    dec.column_dimensions["B"].width = 18
    dec.column_dimensions["C"].width = 80

    act = wb.create_sheet(_("Action items"))
    act.append(
        [pgettext("action item", "Action"), _("Owner"), _("Deadline"), _("Status"), _("Overdue")]
    )
    for cell in act[1]:
        cell.font = bold
    for a in board.actions:
        act.append(
            [
                text(a.title),
                text(a.owner),
                a.deadline,
                a.get_status_display(),
                _("yes") if a.is_overdue(data.end) else _("no"),
            ]
        )
    act.column_dimensions["A"].width = 50

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _source_labels() -> list[tuple[str, str]]:
    from chainlead.governance.choices import ActualSource

    return [(k, str(v)) for k, v in ActualSource.choices]
