"""The yearly evaluation of commissioners (issue 12 item 4): per commissioner and year, what
they did and how the firms judged it, a score whose formula is in constants.py with each term
shown, a ranking per district, and the government form as an Excel workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.choices import Role
from chainlead.accounts.types import Reader
from chainlead.commissioners.choices import LogStatus
from chainlead.commissioners.constants import (
    EVALUATION_DISPUTE_POINTS,
    EVALUATION_FIRM_POINTS,
    EVALUATION_HOUR_POINTS,
    EVALUATION_HOURS_CAP,
    EVALUATION_RATING_NEUTRAL,
    EVALUATION_RATING_POINTS,
    EVALUATION_REQUEST_POINTS,
)
from chainlead.commissioners.labels import EVALUATION_FORMULA_TEXT
from chainlead.commissioners.models import Assignment, Commissioner, ServiceLog
from chainlead.commissioners.permissions import reads_commissioners_city_wide

TWO = Decimal("0.01")


@dataclass
class EvaluationRow:
    """One commissioner's year: the figures, each term of the score, the score and the rank
    within their district."""

    commissioner: Commissioner
    firms_served: int = 0
    hours: Decimal = Decimal("0")
    requests_closed: int = 0
    rating_mean: Decimal | None = None
    ratings: int = 0
    disputed_logs: int = 0
    terms: dict[str, Decimal] = field(default_factory=dict)
    score: Decimal = Decimal("0")
    district_rank: int = 0

    @property
    def district_name(self) -> str:
        district = self.commissioner.district
        return district.name if district is not None else ""

    @property
    def district_label(self) -> str:
        """The district in the reader's language."""
        district = self.commissioner.district
        return district.label if district is not None else ""


def _q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def score_terms(row: EvaluationRow) -> dict[str, Decimal]:
    """The terms of the evaluation formula (labels.EVALUATION_FORMULA_TEXT) for `row`."""
    rating = (
        EVALUATION_RATING_POINTS * (row.rating_mean - EVALUATION_RATING_NEUTRAL)
        if row.rating_mean is not None
        else Decimal("0")
    )
    return {
        "firms": _q2(EVALUATION_FIRM_POINTS * row.firms_served),
        "hours": _q2(EVALUATION_HOUR_POINTS * min(row.hours, EVALUATION_HOURS_CAP)),
        "requests": _q2(EVALUATION_REQUEST_POINTS * row.requests_closed),
        "rating": _q2(rating),
        "disputes": _q2(-EVALUATION_DISPUTE_POINTS * row.disputed_logs),
    }


def _visible_commissioners(user: Reader) -> QuerySet[Commissioner]:
    access = access_for(user)
    qs = Commissioner.objects.select_related("district")
    if reads_commissioners_city_wide(access):
        return qs
    if access.has(Role.DISTRICT_OFFICIAL) and access.district_ids:
        return qs.filter(district_id__in=access.district_ids)
    return qs.none()


def evaluation_rows(
    *, user: Reader, year: int, district_id: int | None = None
) -> list[EvaluationRow]:
    """Every visible commissioner's evaluation for `year`, ranked within each district."""
    from chainlead.requests.choices import CLOSED_STATUSES
    from chainlead.requests.models import EnterpriseRequest

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    commissioners = _visible_commissioners(user)
    if district_id is not None:
        commissioners = commissioners.filter(district_id=district_id)
    rows = {c.pk: EvaluationRow(commissioner=c) for c in commissioners.order_by("id")}
    if not rows:
        return []
    ids = list(rows)
    overlapping = Q(starts_on__lte=end) & (
        Q(ended_early_on__gte=start)
        | Q(ended_early_on__isnull=True) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    )
    for commissioner_id, firms in (
        Assignment.objects.filter(overlapping, commissioner_id__in=ids)
        .values("commissioner_id")
        .annotate(firms=Count("enterprise_id", distinct=True))
        .values_list("commissioner_id", "firms")
    ):
        rows[commissioner_id].firms_served = firms
    logs = ServiceLog.objects.filter(
        assignment__commissioner_id__in=ids, served_on__gte=start, served_on__lte=end
    )
    for commissioner_id, hours, mean, ratings, disputed in (
        logs.values("assignment__commissioner_id")
        .annotate(
            hours=Sum("hours", filter=Q(status=LogStatus.CONFIRMED)),
            mean=Avg("firm_rating", filter=Q(status=LogStatus.CONFIRMED)),
            ratings=Count("firm_rating", filter=Q(status=LogStatus.CONFIRMED)),
            disputed=Count("id", filter=Q(status=LogStatus.DISPUTED)),
        )
        .values_list("assignment__commissioner_id", "hours", "mean", "ratings", "disputed")
    ):
        row = rows[commissioner_id]
        row.hours = Decimal(hours or 0)
        row.rating_mean = _q2(Decimal(str(mean))) if mean is not None else None
        row.ratings = ratings
        row.disputed_logs = disputed
    # Requests closed in the year that the commissioner worked on: linked to one of their logs
    # or raised by them (for a firm stationed with them).
    closed = EnterpriseRequest.objects.filter(
        status__in=CLOSED_STATUSES,
        resolved_at__date__gte=start,
        resolved_at__date__lte=end,
    )
    pairs: set[tuple[int, int]] = set(
        closed.filter(service_logs__assignment__commissioner_id__in=ids).values_list(
            "service_logs__assignment__commissioner_id", "pk"
        )
    )
    users = {
        r.commissioner.user_id: r.commissioner.pk for r in rows.values() if r.commissioner.user_id
    }
    if users:
        stationed = set(
            Assignment.objects.filter(commissioner_id__in=ids).values_list(
                "commissioner_id", "enterprise_id"
            )
        )
        for raised_by, enterprise_id, pk in closed.filter(raised_by_id__in=list(users)).values_list(
            "raised_by_id", "enterprise_id", "pk"
        ):
            if (users[raised_by], enterprise_id) in stationed:
                pairs.add((users[raised_by], pk))
    for commissioner_id, _pk in pairs:
        rows[commissioner_id].requests_closed += 1
    for row in rows.values():
        row.terms = score_terms(row)
        row.score = _q2(sum(row.terms.values(), Decimal("0")))
    ranked = sorted(rows.values(), key=lambda r: (r.district_name, -r.score, r.commissioner.name))
    by_district: defaultdict[str, int] = defaultdict(int)
    for row in ranked:
        by_district[row.district_name] += 1
        row.district_rank = by_district[row.district_name]
    return ranked


def evaluation_workbook(rows: list[EvaluationRow], *, year: int, district_name: str = "") -> bytes:
    """The evaluation as the government form lays it out: title rows, a two-level merged
    header, one line per commissioner by district and rank, and the signature lines."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = str(year)
    columns = [
        _("No."),
        _("District"),
        _("Commissioner"),
        _("Kind"),
        _("Home institution"),
        _("Firms served"),
        _("Confirmed hours"),
        _("Requests closed"),
        _("Mean rating"),
        _("Disputed logs"),
        _("Firms term"),
        _("Hours term"),
        _("Requests term"),
        _("Rating term"),
        _("Disputes term"),
        _("Score"),
        _("Rank in district"),
    ]
    groups = [
        (_("Commissioner"), 1, 5),
        (_("Service in the year"), 6, 10),
        (_("Score, term by term"), 11, 16),
        (_("Ranking"), 17, 17),
    ]
    width = len(columns)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(
        1, 1, _("Science and technology commissioners: evaluation form, %(year)d") % {"year": year}
    )
    sheet.cell(1, 1).font = Font(bold=True, size=16)
    sheet.cell(1, 1).alignment = center
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.cell(
        2,
        1,
        _("District: %(d)s    Formula: %(f)s")
        % {
            "d": district_name or _("all"),
            "f": EVALUATION_FORMULA_TEXT,
        },
    )
    sheet.cell(2, 1).alignment = center
    for label, first, last in groups:
        if first != last:
            sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
        else:
            sheet.merge_cells(start_row=3, start_column=first, end_row=4, end_column=first)
        sheet.cell(3, first, label).alignment = center
        sheet.cell(3, first).font = Font(bold=True)
    for index, label in enumerate(columns, start=1):
        if index == 17:
            continue
        cell = sheet.cell(4, index, label)
        cell.font = Font(bold=True)
        cell.alignment = center
    for row_index in (3, 4):
        for col in range(1, width + 1):
            sheet.cell(row_index, col).border = box
    line = 5
    for number, row in enumerate(rows, start=1):
        c = row.commissioner
        values: list[Any] = [
            number,
            row.district_name,
            c.name,
            c.get_kind_display(),
            c.home_institution,
            row.firms_served,
            float(row.hours),
            row.requests_closed,
            float(row.rating_mean) if row.rating_mean is not None else None,
            row.disputed_logs,
            *(float(row.terms[t]) for t in ("firms", "hours", "requests", "rating", "disputes")),
            float(row.score),
            row.district_rank,
        ]
        for col, value in enumerate(values, start=1):
            sheet.cell(line, col, value).border = box
        line += 1
    line += 1
    signatures = [
        _("Prepared by (signature): ____________"),
        _("Reviewed by (signature): ____________"),
        _("Approved by the science and technology bureau (seal): ____________"),
        _("Date: ____ year ____ month ____ day"),
    ]
    for text in signatures:
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
        sheet.cell(line, 1, text)
        line += 1
    for col in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 14 if col != 3 else 28
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
