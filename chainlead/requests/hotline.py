"""Import of the 12345 hotline export (12345 政务服务便民热线): all rows or none."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor
from chainlead.core.choices import choice_key, choice_labels
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.reasons import Reason
from chainlead.registry.importers import ImportFileError, open_rows
from chainlead.requests.choices import Category, Channel, EventKind
from chainlead.requests.constants import HOTLINE_MAX_ROWS
from chainlead.requests.models import EnterpriseRequest, Tag
from chainlead.requests.permissions import imports_hotline
from chainlead.requests.services import request_raise, timeline_add

# Header aliases: the hotline system exports Chinese headers; English ones are accepted too.
HOTLINE_HEADERS = {
    "ticket": ("ticket", "ticket_no", "工单编号", "工单号"),
    "received_at": ("received_at", "受理时间", "来电时间"),
    "credit_code": ("credit_code", "统一社会信用代码"),
    "enterprise_name": ("enterprise_name", "企业名称"),
    "category": ("category", "诉求类别", "问题分类"),
    "title": ("title", "标题", "诉求标题"),
    "description": ("description", "诉求内容", "内容"),
    "tags": ("tags", "标签"),
}
HOTLINE_REQUIRED = ("ticket", "received_at", "category", "title", "description")
CATEGORY_ALIASES: dict[str, str] = {
    "行政审批": Category.PERMITS,
    "证照审批": Category.PERMITS,
    "审批许可": Category.PERMITS,
    "人才住房": Category.TALENT_HOUSING,
    "人才和住房": Category.TALENT_HOUSING,
    "融资": Category.FINANCE,
    "金融": Category.FINANCE,
    "用地用房": Category.LAND_SPACE,
    "用地和空间": Category.LAND_SPACE,
    "供应链": Category.SUPPLY_CHAIN,
    "产业链供应链": Category.SUPPLY_CHAIN,
    "市场准入": Category.MARKET_ACCESS,
    "市场拓展": Category.MARKET_ACCESS,
    "日常经营": Category.DAILY_OPERATIONS,
    "生产经营": Category.DAILY_OPERATIONS,
    "其他": Category.OTHER,
}


@dataclass
class HotlineImportResult:
    created: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _category_parser() -> Callable[[str], str | None]:
    """Read a category from its code, its label in either language (the request form's own
    words) or the hotline system's words (CATEGORY_ALIASES); None if it is none of them."""
    accepted = choice_labels(Category, aliases=CATEGORY_ALIASES)

    def parse(value: str) -> str | None:
        return accepted.get(choice_key(value))

    return parse


XLSX_MAGIC = b"PK\x03\x04"  # a workbook is a zip file


def _workbook_as_csv(data: bytes) -> str:
    """The first sheet of a workbook (the template's), as CSV text; read by the registry's
    reader, with its limits on workbook bombs."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        rows, _total = open_rows(Path(handle.name))
        out = io.StringIO()
        writer = csv.writer(out)
        for row in rows:
            writer.writerow(["" if v is None else _cell_text(v) for v in row])
    return out.getvalue()


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# The template's example rows: invented, on a sheet the import does not read.
_EXAMPLES = (
    (
        "示例-0001",
        "2026-03-02 09:15",
        "91330100MA0000000C",
        "",
        "审批许可",
        "（示例）执照变更慢",
        "（示例）变更营业执照等待过久",
        "审批;执照",
    ),
    (
        "示例-0002",
        "2026-03-03",
        "",
        "示例智能科技有限公司（示例）",
        "finance",
        "（示例）贷款难",
        "（示例）首贷难",
        "融资",
    ),
)


def hotline_template() -> bytes:
    """The import template (.xlsx): headers in the reader's language on the first sheet, the
    example rows on a second sheet, which the import does not read."""
    from openpyxl import Workbook

    english = not (get_language() or "zh-hans").startswith("zh")
    headers = [
        aliases[0] if english else aliases[2 if key == "ticket" else 1]
        for key, aliases in HOTLINE_HEADERS.items()
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Import")[:31]
    sheet.append(headers)
    examples = workbook.create_sheet(_("Examples (not imported)")[:31])
    examples.append([_("Example rows of invented firms: copy the format, not the firms.")])
    examples.append(headers)
    for row in _EXAMPLES:
        examples.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _parse_received(value: str) -> dt.datetime | None:
    value = value.strip().replace("/", "-")
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            return None
        parsed = dt.datetime.combine(day, dt.time(9, 0))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _row_error(row: int, field: str, reason: str) -> str:
    return _("row %(row)d, field %(field)s: %(reason)s") % {
        "row": row,
        "field": field,
        "reason": reason,
    }


def hotline_import(
    *, actor: Actor, data: bytes | str, now: dt.datetime | None = None
) -> HotlineImportResult:
    """Import a CSV exported from the 12345 hotline: all rows or none.

    Errors read `row N, field F: reason`, N the row number a spreadsheet shows (the header is
    row 1, the first record row 2), as in the enterprise import.
    A ticket number already in the pool is skipped, so a re-import changes nothing.
    """
    from chainlead.registry.models import Enterprise

    if not imports_hotline(access_for(actor)):
        raise PermissionDenied(_("Only city admins import hotline records."))
    result = HotlineImportResult()
    if isinstance(data, bytes) and data.startswith(XLSX_MAGIC):
        try:
            text = _workbook_as_csv(data)
        except ImportFileError as exc:
            result.errors += [
                _row_error(
                    e.row,
                    e.field,
                    e.reason.translated() if isinstance(e.reason, Reason) else e.reason,
                )
                for e in exc.errors
            ]
            return result
    else:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    headers = {h.strip(): h for h in (reader.fieldnames or [])}
    column: dict[str, str] = {}
    for key, aliases in HOTLINE_HEADERS.items():
        for alias in aliases:
            if alias in headers:
                column[key] = headers[alias]
                break
    for key in HOTLINE_REQUIRED:
        if key not in column:
            result.errors.append(_row_error(1, key, _("missing column")))
    if "credit_code" not in column and "enterprise_name" not in column:
        result.errors.append(_row_error(1, "credit_code", _("missing column")))
    if result.errors:
        return result
    parsed: list[dict[str, Any]] = []
    seen: set[str] = set()
    parse_category = _category_parser()
    for n, raw in enumerate(reader, start=2):
        if n - 1 > HOTLINE_MAX_ROWS:
            result.errors.append(_row_error(n, "ticket", _("too many rows")))
            break
        row = {k: (raw.get(c) or "").strip() for k, c in column.items()}

        def err(name: str, reason: str, n: int = n) -> None:
            result.errors.append(_row_error(n, name, reason))

        for key in HOTLINE_REQUIRED:
            if not row.get(key):
                err(key, _("required"))
        ticket = row.get("ticket", "")
        if ticket in seen:
            err("ticket", _("duplicate ticket number in the file"))
        seen.add(ticket)
        category = parse_category(row.get("category", ""))
        if row.get("category") and category is None:
            err("category", _("unknown category “%(v)s”") % {"v": row["category"]})
        received = _parse_received(row.get("received_at", "")) if row.get("received_at") else None
        if row.get("received_at") and received is None:
            err("received_at", _("not a date or date-time"))
        enterprise = None
        if row.get("credit_code"):
            enterprise = Enterprise.objects.filter(credit_code=row["credit_code"].upper()).first()
            if enterprise is None:
                err("credit_code", _("no firm with this credit code"))
        elif row.get("enterprise_name"):
            matches = list(Enterprise.objects.filter(name=row["enterprise_name"])[:2])
            if len(matches) != 1:
                err(
                    "enterprise_name",
                    _("no firm with this name")
                    if not matches
                    else _("several firms have this name"),
                )
            else:
                enterprise = matches[0]
        else:
            err("credit_code", _("required"))
        if len(row.get("title", "")) > 200:
            err("title", _("longer than 200 characters"))
        parsed.append(
            {
                "ticket": ticket,
                "received": received,
                "category": category,
                "enterprise": enterprise,
                "title": row.get("title", ""),
                "description": row.get("description", ""),
                "tags": [
                    t.strip()
                    for t in row.get("tags", "").replace("；", ";").split(";")
                    if t.strip()
                ],
            }
        )
    if result.errors:
        return result
    existing = set(
        EnterpriseRequest.objects.filter(
            hotline_ticket__in=[p["ticket"] for p in parsed]
        ).values_list("hotline_ticket", flat=True)
    )
    with transaction.atomic():
        for item in parsed:
            if item["ticket"] in existing:
                result.skipped += 1
                continue
            tags = [Tag.objects.get_or_create(name=name[:50])[0] for name in item["tags"]]
            enterprise_request = request_raise(
                actor=actor,
                enterprise=item["enterprise"],
                category=item["category"],
                title=item["title"],
                description=item["description"],
                channel=Channel.HOTLINE_12345,
                tags=tags,
                hotline_ticket=item["ticket"],
                now=item["received"],
            )
            at = now or timezone.now()
            timeline_add(
                enterprise_request, EventKind.IMPORTED, actor=actor, at=at, note=item["ticket"]
            )
            result.created += 1
    return result
