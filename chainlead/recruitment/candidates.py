"""The pool of firms outside the city: loaded from public listed-company data or imported.

Import format (CSV or Excel, English or Chinese headers, any order), all or nothing:

| field | Chinese header | required |
|---|---|---|
| name | 企业名称 | yes |
| province | 省份 | yes |
| city | 城市 | no |
| industry_code | 行业代码 | no (GB/T 4754-2017, any level) |
| employees | 从业人数 | no |
| revenue | 营业收入 | no (万元) |
| revenue_growth | 营收增长率 | no (a fraction, 0.12 = 12%) |
| main_business | 主营业务 | no |
| stock_code | 股票代码 | no (the key for idempotent re-import when present) |
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor
from chainlead.audit.models import AuditAction
from chainlead.audit.services import record_bulk_changes, snapshot
from chainlead.core.exceptions import PermissionDenied
from chainlead.recruitment.models import ExternalFirm
from chainlead.registry.importers import (
    ImportFileError,
    RowError,
    open_rows,
    parse_int,
    parse_money,
)
from chainlead.registry.models import Industry

HEADERS = {
    "name": "企业名称",
    "province": "省份",
    "city": "城市",
    "industry_code": "行业代码",
    "employees": "从业人数",
    "revenue": "营业收入",
    "revenue_growth": "营收增长率",
    "main_business": "主营业务",
    "stock_code": "股票代码",
}
REQUIRED = ("name", "province")
_ALIASES = {k: k for k in HEADERS} | {v: k for k, v in HEADERS.items()}
CSRC_DIVISION = re.compile(r"^[A-T](\d{2})$")
LISTED_FILE = Path("companies") / "listed_profiles.csv"


@dataclass
class CandidateImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _parse_growth(value: Any) -> float | None:
    text = "" if value is None else str(value).strip().rstrip("%")
    if not text:
        return None
    number = float(text)
    return number / 100 if str(value).strip().endswith("%") else number


@transaction.atomic
def candidates_import(*, actor: Actor, path: Path, dry_run: bool = False) -> CandidateImport:
    """Validate every row, then write all or nothing; raises ImportFileError listing every error."""
    if actor is not None and not access_for(actor).is_admin:
        raise PermissionDenied("Only city admins import candidate firms.")
    rows, _total = open_rows(path)
    header = next(rows, None)
    if header is None:
        raise ImportFileError([RowError(1, "file", "the file is empty")])
    fields: list[str | None] = []
    errors: list[RowError] = []
    for cell in header:
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff")
        fields.append(_ALIASES.get(text) or _ALIASES.get(text.lower()) if text else None)
        if text and fields[-1] is None:
            errors.append(RowError(1, text, "unknown column header"))
    for name in REQUIRED:
        if name not in fields:
            errors.append(RowError(1, name, f"required column missing ({HEADERS[name]})"))
    if errors:
        raise ImportFileError(errors)
    industries = set(Industry.objects.values_list("code", flat=True))
    parsed: list[dict[str, Any]] = []
    seen_codes: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        record = {f: v for f, v in zip(fields, raw, strict=False) if f is not None}
        if not any(str(v or "").strip() for v in record.values()):
            continue
        row: dict[str, Any] = {}
        for name in HEADERS:
            value = record.get(name)
            text = "" if value is None else str(value).strip()
            try:
                if name in REQUIRED and not text:
                    raise ValueError("required")
                if name == "industry_code":
                    if text and text not in industries:
                        raise ValueError(f"{text} is not a GB/T 4754-2017 code")
                    row["industry_id"] = text or None
                elif name == "employees":
                    row[name] = parse_int(value)
                elif name == "revenue":
                    row[name] = parse_money(value)
                elif name == "revenue_growth":
                    row[name] = _parse_growth(value)
                elif name == "stock_code":
                    row[name] = text or None
                    if text and text in seen_codes:
                        raise ValueError(f"stock code repeats row {seen_codes[text]}")
                    if text:
                        seen_codes[text] = number
                else:
                    row[name] = text
            except (ValueError, ArithmeticError) as exc:
                errors.append(RowError(number, name, str(exc)))
        parsed.append(row)
    if errors:
        raise ImportFileError(errors)
    result = CandidateImport()
    if dry_run:
        result.created = len(parsed)
        return result
    for row in parsed:
        _upsert(row, result)
    return result


def _upsert(row: dict[str, Any], result: CandidateImport) -> None:
    key = (
        {"stock_code": row["stock_code"]}
        if row.get("stock_code")
        else {
            "name": row["name"],
            "province": row["province"],
        }
    )
    firm = ExternalFirm.objects.filter(**key).first()
    if firm is None:
        ExternalFirm.objects.create(**row)
        result.created += 1
        return
    changed = {k: v for k, v in row.items() if getattr(firm, k) != v}
    if not changed:
        result.unchanged += 1
        return
    for k, v in changed.items():
        setattr(firm, k, v)
    firm.save()
    result.updated += 1


@transaction.atomic
def candidates_load_listed(*, data_dir: Path | None = None) -> CandidateImport:
    """The real listed companies outside the city (companies/listed_profiles.csv), idempotently.

    Industry is the CSRC division (a GB/T 4754 division); employees as published; no revenue or
    growth (not in the data, so left empty, never guessed).
    """
    path = Path(data_dir or settings.SHARED_DATA_DIR) / LISTED_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: set CHAINLEAD_DATA_DIR to the shared data.")
    industries = set(Industry.objects.values_list("code", flat=True))
    existing = {f.stock_code: f for f in ExternalFirm.objects.exclude(stock_code=None)}
    result = CandidateImport()
    new: list[ExternalFirm] = []
    with path.open(encoding="utf-8") as fh:
        for record in csv.DictReader(fh):
            if record["city"] == settings.CHAINLEAD_CITY_NAME or not record["province"]:
                continue
            match = CSRC_DIVISION.match(record["csrc_industry_code"] or "")
            division = match.group(1) if match and match.group(1) in industries else None
            employees = record["employees"]
            row = {
                "stock_code": record["stock_code"],
                "name": record["full_name"] or record["short_name"],
                "province": record["province"],
                "city": record["city"],
                "industry_id": division,
                "employees": int(employees) if employees else None,
                "main_business": record["main_business"],
                "source_note": f"shared/data/{LISTED_FILE} ({record['source_file']})"[:300],
            }
            firm = existing.get(record["stock_code"])
            if firm is None:
                new.append(ExternalFirm(**row))
                result.created += 1
                continue
            changed = {k: v for k, v in row.items() if getattr(firm, k) != v}
            if changed:
                for k, v in changed.items():
                    setattr(firm, k, v)
                firm.save()
                result.updated += 1
            else:
                result.unchanged += 1
    created = ExternalFirm.objects.bulk_create(new, batch_size=1000)
    # Bulk inserts send no signals: audit the created firms here, in bulk too.
    record_bulk_changes(
        model=ExternalFirm,
        rows=((f.pk, str(f), AuditAction.CREATE, None, snapshot(f)) for f in created),
    )
    return result
