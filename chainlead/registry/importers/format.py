"""The enterprise import format (DOMAIN.md §2 "Import format"): its columns and headers, and how
problems and outcomes are reported."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from chainlead.core.reasons import Reason

MAX_REPORTED_ERRORS = 10_000  # a file with more bad rows than this is reported in part


@dataclass(frozen=True)
class Column:
    """One column of the import format."""

    name: str  # the English header and the field name
    header_zh: str
    required: bool
    db_column: str
    sql_type: str  # the staging column's type (the same on SQLite and PostgreSQL)


COLUMNS: tuple[Column, ...] = (
    # A firm without a public credit code is matched by stock code, then by name (issue 15).
    Column("credit_code", "统一社会信用代码", False, "credit_code", "varchar(18)"),
    Column("name", "企业名称", True, "name", "varchar(200)"),
    Column("district", "所属区县", True, "district_id", "bigint"),
    Column("industry_code", "行业代码", True, "industry_id", "varchar(4)"),
    Column("founded", "成立日期", False, "founded", "date"),
    Column("size_class", "企业规模", False, "size_class", "varchar(8)"),
    Column("above_designated_size", "是否规上", False, "above_designated_size", "boolean"),
    Column("employees", "从业人数", False, "employees", "integer"),
    Column("revenue", "营业收入", False, "revenue", "decimal(18, 2)"),
    Column("rd_spend", "研发投入", False, "rd_spend", "decimal(18, 2)"),
    Column("business_scope", "经营范围", False, "business_scope", "text"),
    Column("listed", "是否上市", False, "listed", "boolean"),
    Column("origin", "来源", False, "origin", "varchar(10)"),
    Column("origin_place", "招引来源地", False, "origin_place", "varchar(100)"),
    Column("landed_on", "落地日期", False, "landed_on", "date"),
    Column("stock_code", "股票代码", False, "stock_code", "varchar(10)"),
)
COLUMNS_BY_NAME = {c.name: c for c in COLUMNS}
_HEADER_ALIASES = {c.name: c.name for c in COLUMNS} | {c.header_zh: c.name for c in COLUMNS}
# The import format's English and Chinese headers, in the order a template file lists them.
ENGLISH_HEADERS = [c.name for c in COLUMNS]
CHINESE_HEADERS = [c.header_zh for c in COLUMNS]


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in one cell: `row` is the row number a spreadsheet shows (header = 1)."""

    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, field {self.field}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        # The English reason, with its message id and values: shown in the reader's language.
        stored = {"row": self.row, "field": self.field, "reason": self.reason}
        if isinstance(self.reason, Reason):
            stored |= self.reason.as_stored()
        return stored


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, headers)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a failed import, would have done)."""

    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Rows written, but worth a look: a new firm whose name an existing firm already has.
    warnings: list[RowError] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    follow_up: list[str] = field(default_factory=list)  # what other apps did with new firms
    dry_run: bool = False
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)


Progress = Callable[[int, int | None], None]


def map_headers(header: list[Any]) -> list[str | None]:
    """The import field of each column (None for a blank header); raises on bad headers."""
    errors: list[RowError] = []
    fields: list[str | None] = []
    seen: set[str] = set()
    for cell in header:
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff").strip()
        if not text:
            fields.append(None)
            continue
        name = _HEADER_ALIASES.get(text) or _HEADER_ALIASES.get(text.lower())
        if name is None:
            errors.append(RowError(1, text, Reason(gettext_noop("unknown column header"))))
        elif name in seen:
            errors.append(RowError(1, text, Reason(gettext_noop("column appears twice"))))
        else:
            seen.add(name)
        fields.append(name)
    for column in COLUMNS:
        if column.required and column.name not in seen:
            missing = Reason(
                gettext_noop("required column missing (%(header)s)"), header=column.header_zh
            )
            errors.append(RowError(1, column.name, missing))
    if errors:
        raise ImportFileError(errors)
    return fields


def write_csv_rows(out: io.TextIOBase, rows: Iterable[dict[str, Any]], *, chinese: bool) -> None:
    """Write rows (keyed by field name) in the import format."""
    writer = csv.writer(out)
    writer.writerow(CHINESE_HEADERS if chinese else ENGLISH_HEADERS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in ENGLISH_HEADERS])
