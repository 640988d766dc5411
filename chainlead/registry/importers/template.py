"""The downloadable import template: a workbook whose first sheet has the headers of the
import format in the reader's language, and whose second sheet shows example rows.

The examples are on a sheet of their own, named as examples, because the import reads only
the first sheet: a template filled in above its examples would otherwise import them too.
They are invented firms, marked as such in their names.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chainlead.registry.importers.format import CHINESE_HEADERS, COLUMNS, ENGLISH_HEADERS
from chainlead.registry.models import District

# Valid credit codes (check characters computed per GB 32100-2015) of no real firm.
_EXAMPLES: tuple[dict[str, Any], ...] = (
    {
        "credit_code": "91330100MA0000000C",
        "name": ("示例智能科技有限公司（示例）", "Example Smart Technology Co. (example)"),
        "industry_code": "6513",
        "founded": "2019-05-20",
        "size_class": ("小型", "small"),
        "above_designated_size": ("否", "no"),
        "employees": 45,
        "revenue": 1200.5,
        "rd_spend": 180,
        "business_scope": ("软件开发；人工智能应用软件开发", "software development"),
        "listed": ("否", "no"),
        "origin": ("本地成长", "grown locally"),
    },
    {
        "credit_code": "",
        "name": ("示例精密机械股份有限公司（示例）", "Example Precision Machinery (example)"),
        "industry_code": "3491",
        "founded": "2008-11-03",
        "size_class": ("中型", "medium"),
        "above_designated_size": ("是", "yes"),
        "employees": 620,
        "revenue": 85000,
        "business_scope": ("工业机器人制造", "industrial robot manufacturing"),
        "listed": ("是", "yes"),
        "origin": ("招引", "attracted"),
        "origin_place": ("上海市", "Shanghai"),
        "landed_on": "2015-06-01",
        "stock_code": "EX0001",
    },
    {
        "credit_code": "91330100MA0000001F",
        "name": ("示例生物医药有限公司（示例）", "Example Biomedicine Co. (example)"),
        "industry_code": "2720",
        "size_class": ("微型", "micro"),
        "origin": ("本地成长", "grown locally"),
    },
)


def template_workbook() -> bytes:
    """The template as .xlsx bytes, in the active language."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    english = not (get_language() or "zh-hans").startswith("zh")
    headers = ENGLISH_HEADERS if english else CHINESE_HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Import")[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    examples = workbook.create_sheet(_("Examples (not imported)")[:31])
    examples.append([_("Example rows of invented firms: copy the format, not the firms.")])
    examples.append(headers)
    districts = list(District.objects.order_by("code")[:3])
    for index, example in enumerate(_EXAMPLES):
        district = districts[index % len(districts)] if districts else None
        row = []
        for column in COLUMNS:
            value = example.get(column.name, "")
            if isinstance(value, tuple):
                value = value[1] if english else value[0]
            if column.name == "district" and district is not None:
                value = (district.name_en or district.name) if english else district.name
            row.append(value)
        examples.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
