"""Importing enterprise files (DOMAIN.md §2 "Import format"): CSV or Excel, all or nothing.

The import runs in two phases so that memory stays constant however large the file is:

1. *Validate and stage.* Rows are streamed from the file, checked in Python against reference
   tables loaded once into dicts (districts, industry codes), and written in batches into a
   temporary staging table (COPY on PostgreSQL, executemany on SQLite). Duplicate credit codes
   inside the file and the firms that already exist are then found with SQL over that table,
   so no set of all codes is ever held in Python.
2. *Write.* Only when no row has an error: in one transaction, set-based INSERT ... SELECT of
   the new firms, UPDATE ... FROM of the changed ones (unchanged rows are not touched), and
   their audit entries; the registry's data version is bumped once.
"""

# SQL here is composed only from our own table and column names; values are always parameters.
# ruff: noqa: S608

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor, acting_user
from chainlead.audit import context as audit_context
from chainlead.audit.models import AuditAction, AuditEntry
from chainlead.audit.services import link_pending, record_bulk_changes, record_event
from chainlead.core.db import refresh_planner_statistics
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.models import DataVersion
from chainlead.core.text import to_simplified
from chainlead.registry.choices import DataProvenance, ImportStatus, Origin, SizeClass
from chainlead.registry.models import District, Enterprise, ImportJob, Industry
from chainlead.registry.permissions import manages_registry
from chainlead.registry.validators import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    credit_code_error,
)

REGISTRY_DATA = "registry"
BATCH_SIZE = 5000
# A write this large refreshes the planner's statistics once committed (chainlead.core.db).
ANALYZE_AFTER_ROWS = 10_000
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
    Column("credit_code", "统一社会信用代码", True, "credit_code", "varchar(18)"),
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
        return {"row": self.row, "field": self.field, "reason": self.reason}


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


# --- Reading files -----------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _scan_csv(path: Path) -> tuple[str, int]:
    """The file's encoding (UTF-8 with or without BOM, else GB18030, a superset of GBK) and an
    estimate of its data rows, from one streaming pass over the bytes."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    lines = 0
    last = b""
    with path.open("rb") as fh:
        first = fh.read(3)
        bom = first == codecs.BOM_UTF8
        fh.seek(0)
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    if last and last != b"\n":
        lines += 1
    encoding = "utf-8-sig" if bom else ("utf-8" if utf8 else "gb18030")
    return encoding, max(lines - 1, 0)


def _csv_rows(path: Path, encoding: str) -> Iterator[list[Any]]:
    with path.open(encoding=encoding, newline="", errors="strict") as fh:
        try:
            yield from csv.reader(fh)
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                [RowError(0, "file", f"cannot be decoded as UTF-8 or GB18030 ({exc.reason})")]
            ) from exc
        except csv.Error as exc:
            raise ImportFileError([RowError(0, "file", f"is not valid CSV ({exc})")]) from exc


def _xlsx_rows(path: Path) -> tuple[Iterator[list[Any]], int | None]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ImportFileError(
            [RowError(0, "file", f"is not a readable Excel file ({exc})")]
        ) from exc
    sheet = workbook.worksheets[0]
    total = (sheet.max_row - 1) if sheet.max_row else None

    def rows() -> Iterator[list[Any]]:
        try:
            for values in sheet.iter_rows(values_only=True):
                yield list(values)
        finally:
            workbook.close()

    return rows(), total


def open_rows(path: Path) -> tuple[Iterator[list[Any]], int | None]:
    """The file's rows (header first) and an estimate of the number of data rows."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _xlsx_rows(path)
    if suffix in {".csv", ".txt", ""}:
        encoding, total = _scan_csv(path)
        return _csv_rows(path, encoding), total
    raise ImportFileError(
        [RowError(0, "file", f"unsupported file type {suffix!r}: use .csv or .xlsx")]
    )


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
            errors.append(RowError(1, text, "unknown column header"))
        elif name in seen:
            errors.append(RowError(1, text, "column appears twice"))
        else:
            seen.add(name)
        fields.append(name)
    for column in COLUMNS:
        if column.required and column.name not in seen:
            errors.append(RowError(1, column.name, f"required column missing ({column.header_zh})"))
    if errors:
        raise ImportFileError(errors)
    return fields


# --- Cell parsing ------------------------------------------------------------------------------

_TRUE = {"yes", "y", "true", "1", "是", "t"}
_FALSE = {"no", "n", "false", "0", "否", "f"}
_SIZES = {
    "large": SizeClass.LARGE,
    "medium": SizeClass.MEDIUM,
    "small": SizeClass.SMALL,
    "micro": SizeClass.MICRO,
    "大型": SizeClass.LARGE,
    "中型": SizeClass.MEDIUM,
    "小型": SizeClass.SMALL,
    "微型": SizeClass.MICRO,
}
_ORIGINS = {
    "local": Origin.LOCAL,
    "attracted": Origin.ATTRACTED,
    "本地": Origin.LOCAL,
    "招引": Origin.ATTRACTED,
}
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug absorbed)
_CENT = Decimal("0.01")
_MAX_MONEY = Decimal("1e16")  # max_digits=18 with 2 decimal places


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"{text!r} is not a real date") from None
        match = _DATE_RE.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise ValueError(f"{text!r} is not a real date") from None
        if text.isdigit() and len(text) <= 5:
            serial = int(text)
        else:
            raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or YYYY/M/D)")
    if not 1 <= serial <= 2958465:
        raise ValueError(f"{value!r} is not an Excel date")
    return _EXCEL_EPOCH + dt.timedelta(days=serial)


def parse_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no (是/否)")


def parse_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        number = int(value)
    else:
        text = str(value).strip().replace(",", "")
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            try:
                as_decimal = Decimal(text)
            except InvalidOperation:
                raise ValueError(f"{text!r} is not a whole number") from None
            if as_decimal != as_decimal.to_integral_value():
                raise ValueError(f"{text!r} is not a whole number") from None
            number = int(as_decimal)
    if number < 0:
        raise ValueError("must not be negative")
    if number > 2_147_483_647:
        raise ValueError("is too large")
    return number


def parse_money(value: Any) -> Decimal | None:
    """An amount in 万元, rounded to the cent of 万元 the registry keeps."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("is not a number")
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not amount.is_finite():
        raise ValueError(f"{text!r} is not a number")
    if amount < 0:
        raise ValueError("must not be negative")
    if amount >= _MAX_MONEY:
        raise ValueError("is too large")
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass
class References:
    """The reference tables a row is checked against, loaded once per import."""

    districts: dict[str, int]
    industries: frozenset[str]

    @classmethod
    def load(cls) -> References:
        districts: dict[str, int] = {}
        for pk, code, name, name_en in District.objects.values_list(
            "pk", "code", "name", "name_en"
        ):
            districts[code] = pk
            districts[name] = pk
            if name_en:
                districts[name_en.casefold()] = pk
        return cls(districts, frozenset(Industry.objects.values_list("code", flat=True)))

    def district(self, value: Any) -> int:
        text = _text(value)
        pk = self.districts.get(text) or self.districts.get(text.casefold())
        if pk is None:
            raise ValueError(f"{text!r} is not a district of the city")
        return pk

    def industry(self, value: Any) -> str:
        text = _text(value).upper()
        if text in self.industries:
            return text
        # A spreadsheet shows class 0111 as the number 111.
        if isinstance(value, int | float) and f"0{text}" in self.industries:
            return f"0{text}"
        raise ValueError(f"{text!r} is not a GB/T 4754-2017 industry code")


# The staged value of an optional column whose cell is empty, or that the file does not have.
_EMPTY: dict[str, Any] = {
    "founded": None,
    "size_class": "",
    "above_designated_size": None,
    "employees": None,
    "revenue": None,
    "rd_spend": None,
    "business_scope": "",
    "listed": False,
    "origin": Origin.LOCAL.value,
    "origin_place": "",
    "landed_on": None,
}


# Per position, each character's value times the position's weight (GB 32100-2015 §4).
_WEIGHTED = [{c: i * w for i, c in enumerate(CREDIT_CODE_ALPHABET)} for w in CREDIT_CODE_WEIGHTS]


def _check_char(code: str) -> str | None:
    """The check character due for `code`'s first 17 characters, or None if one is invalid."""
    try:
        total = sum([table[c] for table, c in zip(_WEIGHTED, code, strict=False)])
    except KeyError:
        return None
    return CREDIT_CODE_ALPHABET[-total % 31]


def _parser(name: str, refs: References) -> Callable[[Any], Any]:
    def credit_code(v: Any) -> str:
        code = _text(v).upper()
        if len(code) == 18 and _check_char(code) == code[17]:
            return code  # the fast path for a valid code; credit_code_error says why not
        if not code:
            raise ValueError("is required")
        error = credit_code_error(code)
        if error:
            raise ValueError(error)
        return code

    def required_text(limit: int) -> Callable[[Any], str]:
        def parse(v: Any) -> str:
            text = _text(v)
            if not text:
                raise ValueError("is required")
            if len(text) > limit:
                raise ValueError(f"is longer than {limit} characters")
            return text

        return parse

    def optional_text(limit: int | None) -> Callable[[Any], str]:
        def parse(v: Any) -> str:
            text = _text(v)
            if limit is not None and len(text) > limit:
                raise ValueError(f"is longer than {limit} characters")
            return text

        return parse

    def required(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def wrapped(v: Any) -> Any:
            if _text(v) == "":
                raise ValueError("is required")
            return parse(v)

        return wrapped

    def choice(mapping: dict[str, Any], label: str) -> Callable[[Any], Any]:
        def parse(v: Any) -> Any:
            text = _text(v)
            if not text:
                return _EMPTY[name]
            found = mapping.get(text) or mapping.get(text.lower())
            if found is None:
                raise ValueError(f"{text!r} is not one of {label}")
            return found.value

        return parse

    def listed(v: Any) -> bool:
        parsed = parse_bool(v)
        return bool(parsed)

    parsers: dict[str, Callable[[Any], Any]] = {
        "credit_code": credit_code,
        "name": required_text(200),
        "district": required(refs.district),
        "industry_code": required(refs.industry),
        "founded": parse_date,
        "size_class": choice(_SIZES, "large/medium/small/micro (大型/中型/小型/微型)"),
        "above_designated_size": parse_bool,
        "employees": parse_int,
        "revenue": parse_money,
        "rd_spend": parse_money,
        "business_scope": optional_text(None),
        "listed": listed,
        "origin": choice(_ORIGINS, "local/attracted (本地/招引)"),
        "origin_place": optional_text(100),
        "landed_on": parse_date,
    }
    return parsers[name]


# --- Staging -----------------------------------------------------------------------------------

_STAGED = [c.db_column for c in COLUMNS]
_STAGING_COLUMNS = ["line_no", *_STAGED, "search_text"]


class _Staging:
    """A temporary table of the file's validated rows, private to this connection."""

    def __init__(self) -> None:
        self.table = f"import_staging_{uuid.uuid4().hex[:12]}"
        self.postgres = connection.vendor == "postgresql"

    def create(self) -> None:
        columns = ", ".join(f"{c.db_column} {c.sql_type}" for c in COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} (line_no integer NOT NULL, {columns}, "
                "search_text varchar(400), enterprise_id bigint, changed smallint NOT NULL "
                "DEFAULT 0)"
            )

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(_STAGING_COLUMNS)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(_STAGING_COLUMNS))
                cursor.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", rows)

    def index(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {self.table}_code ON {self.table} (credit_code)")
            cursor.execute(f"CREATE INDEX {self.table}_line ON {self.table} (line_no)")
            if self.postgres:
                cursor.execute(f"ANALYZE {self.table}")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


def _duplicates(staging: _Staging, limit: int) -> list[RowError]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.line_no, s.credit_code, d.first FROM {staging.table} s "
            f"JOIN (SELECT credit_code, MIN(line_no) AS first FROM {staging.table} "
            "GROUP BY credit_code HAVING COUNT(*) > 1) d ON d.credit_code = s.credit_code "
            "WHERE s.line_no > d.first ORDER BY s.line_no LIMIT %s",
            [limit],
        )
        return [
            RowError(
                line, "credit_code", f"{code} appears twice in the file (first in row {first})"
            )
            for line, code, first in cursor.fetchall()
        ]


def _changed_condition(present: list[Column], postgres: bool) -> str:
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"
    parts = [f"e.{c.db_column} {differs} s.{c.db_column}" for c in present]
    return " OR ".join(parts) if parts else "1 = 0"


def _classify(staging: _Staging, present: list[Column]) -> tuple[int, int, int]:
    """Link staged rows to existing firms and mark the changed ones: (new, changed, unchanged)."""
    t = staging.table
    compared = [c for c in present if c.name != "credit_code"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t} AS s SET enterprise_id = e.id FROM {Enterprise._meta.db_table} AS e "
            "WHERE e.credit_code = s.credit_code"
        )
        cursor.execute(
            f"UPDATE {t} AS s SET changed = 1 FROM {Enterprise._meta.db_table} AS e "
            f"WHERE e.id = s.enterprise_id AND ({_changed_condition(compared, staging.postgres)})"
        )
        cursor.execute(
            f"SELECT COUNT(*) - COUNT(enterprise_id), COALESCE(SUM(changed), 0), COUNT(*) FROM {t}"
        )
        new, changed, total = cursor.fetchone()
    return int(new), int(changed), int(total) - int(new) - int(changed)


def _json_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.sql_type == "boolean":
        return bool(value)
    if column.sql_type.startswith("decimal"):
        return str(Decimal(str(value)).quantize(_CENT))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _write_updates(staging: _Staging, present: list[Column], now: dt.datetime) -> None:
    """Audit (before/after of the changed fields) and apply the changed rows, page by page."""
    t = staging.table
    table = Enterprise._meta.db_table
    compared = [c for c in present if c.name != "credit_code"]
    if not compared:
        return
    select = ", ".join(
        [f"e.{c.db_column}" for c in compared] + [f"s.{c.db_column}" for c in compared]
    )
    renamed: list[tuple[int, str]] = []

    def audit_rows() -> Iterator[tuple[Any, str, str, dict[str, Any], dict[str, Any]]]:
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT s.line_no, e.id, e.name, e.short_name, {select} FROM {t} s "
                    f"JOIN {table} e ON e.id = s.enterprise_id WHERE s.changed = 1 "
                    "AND s.line_no > %s ORDER BY s.line_no LIMIT %s",
                    [last, BATCH_SIZE],
                )
                page = cursor.fetchall()
            if not page:
                return
            n = len(compared)
            for row in page:
                last, pk, old_name, short_name = row[:4]
                old, new = row[4 : 4 + n], row[4 + n :]
                before: dict[str, Any] = {}
                after: dict[str, Any] = {}
                for column, a, b in zip(compared, old, new, strict=True):
                    a, b = _json_value(column, a), _json_value(column, b)
                    if a != b:
                        before[column.db_column] = a
                        after[column.db_column] = b
                if short_name and "name" in after:
                    renamed.append((pk, _search_keys([f"{after['name']} {short_name}"])[0]))
                yield pk, str(after.get("name", old_name)), AuditAction.UPDATE, before, after

    record_bulk_changes(model=Enterprise, rows=audit_rows())
    assignments = ", ".join(f"{c.db_column} = s.{c.db_column}" for c in compared)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS e SET {assignments}, "
            "search_text = CASE WHEN e.short_name = '' THEN s.search_text ELSE e.search_text END, "
            f"version = e.version + 1, updated_at = %s FROM {t} AS s "
            "WHERE s.enterprise_id = e.id AND s.changed = 1",
            [connection.ops.adapt_datetimefield_value(now)],
        )
        if renamed:
            cursor.executemany(
                f"UPDATE {table} SET search_text = %s WHERE id = %s",
                [(key, pk) for pk, key in renamed],
            )


def _json_object_sql(pairs: list[tuple[str, str, str]], postgres: bool) -> str:
    """SQL building the JSON "after" snapshot of a created firm, like audit's `snapshot`."""
    parts: list[str] = []
    for key, expr, kind in pairs:
        if kind == "decimal":
            value = f"CAST({expr} AS text)" if postgres else f"CAST({expr} AS TEXT)"
        elif kind == "boolean" and not postgres:
            value = (
                f"CASE WHEN {expr} IS NULL THEN NULL "
                f"WHEN {expr} THEN json('true') ELSE json('false') END"
            )
        else:
            value = expr
        parts.append(f"'{key}', {value}")
    function = "jsonb_build_object" if postgres else "json_object"
    return f"{function}({', '.join(parts)})"


def _write_creates(staging: _Staging, filename: str, now: dt.datetime) -> None:
    """INSERT ... SELECT the new firms, then their create audit entries in one statement.

    The audit entries are written set-based instead of through `record_bulk_changes` because
    building a million AuditEntry objects in Python took longer than the whole import budget
    (see benchmarks/RESULTS.md); the rows are the same as `record_bulk_changes` would write.
    """
    t = staging.table
    table = Enterprise._meta.db_table
    postgres = staging.postgres
    adapt = connection.ops.adapt_datetimefield_value
    source_note = f"import {filename}"[:300]
    constants: list[tuple[str, Any]] = [
        ("stock_code", None),
        ("short_name", ""),
        ("name_en", ""),
        ("province", ""),
        ("city", ""),
        ("address", ""),
        ("founded_year_only", False),
        ("registered_capital", None),
        ("main_business", ""),
        ("recruitment_effort", ""),
        ("provenance", DataProvenance.ENTERED.value),
        ("source_note", source_note),
        ("version", 1),
        ("created_at", adapt(now)),
        ("updated_at", adapt(now)),
    ]
    insert_columns = [*_STAGED, "search_text", *(name for name, _ in constants)]
    select = ", ".join([*(f"s.{c}" for c in _STAGED), "s.search_text"] + ["%s"] * len(constants))
    ctx = audit_context.current()
    actor = ctx.actor if ctx.actor is not None and getattr(ctx.actor, "pk", None) else None
    actor_label = (ctx.actor.get_username() if ctx.actor is not None else "system")[:150]
    content_type = ContentType.objects.get_for_model(Enterprise)
    snapshot_pairs = [("id", "e.id", "bigint")]
    for column in COLUMNS:
        kind = (
            "decimal"
            if column.sql_type.startswith("decimal")
            else ("boolean" if column.sql_type == "boolean" else "plain")
        )
        snapshot_pairs.append((column.db_column, f"s.{column.db_column}", kind))
    snapshot_pairs.append(("provenance", "e.provenance", "plain"))
    snapshot_pairs.append(("source_note", "e.source_note", "plain"))
    after = _json_object_sql(snapshot_pairs, postgres)
    text_type = "varchar" if postgres else "TEXT"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(insert_columns)}) SELECT {select} FROM {t} s "
            "WHERE s.enterprise_id IS NULL ORDER BY s.line_no",
            [value for _, value in constants],
        )
        cursor.execute(
            f"INSERT INTO {AuditEntry._meta.db_table} (timestamp, actor_id, actor_label, source, "
            "remote_addr, request_id, action, event, content_type_id, object_id, object_repr, "
            f"before, after, message) SELECT %s, %s, %s, %s, %s, %s, %s, '', %s, "
            f"CAST(e.id AS {text_type}), e.name, NULL, {after}, '' FROM {t} s "
            f"JOIN {table} e ON e.credit_code = s.credit_code "
            "WHERE s.enterprise_id IS NULL ORDER BY s.line_no",
            [
                adapt(now),
                actor.pk if actor is not None else None,
                actor_label,
                ctx.source,
                ctx.remote_addr,
                ctx.request_id,
                AuditAction.CREATE.value,
                content_type.pk,
            ],
        )
    link_pending()  # the rows inserted by SQL join the audit log's hash chain


# --- The import ----------------------------------------------------------------------------------


def _search_keys(names: list[str]) -> list[str]:
    """`core.text.search_key` of many names with one OpenCC call (per-call overhead dominates)."""
    simplified = to_simplified("\n".join(n.replace("\n", " ") for n in names)).split("\n")
    return ["".join(s.casefold().split()) for s in simplified]


def _stage_file(
    rows: Iterator[list[Any]],
    staging: _Staging,
    refs: References,
    result: ImportResult,
    progress: Progress | None,
    total: int | None,
) -> list[Column]:
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFileError([RowError(1, "file", "is empty")]) from None
    fields = map_headers(header)
    present = [COLUMNS_BY_NAME[f] for f in fields if f is not None]
    present_names = {c.name for c in present}
    plan = [(i, f, _parser(f, refs)) for i, f in enumerate(fields) if f is not None]
    width = len(fields)
    absent = {c.name: _EMPTY[c.name] for c in COLUMNS if c.name not in present_names}
    order = [c.name for c in COLUMNS]
    batch: list[dict[str, Any]] = []
    processed = 0

    def flush() -> None:
        keys = _search_keys([v["name"] or "" for v in batch])
        with transaction.atomic():  # one SQLite transaction per batch, not one per row
            staging.insert(
                [
                    (v.pop("_line"), *(v[name] for name in order), key)
                    for v, key in zip(batch, keys, strict=True)
                ]
            )
        batch.clear()
        if progress is not None:
            progress(processed, total)

    line = 1
    for cells in rows:
        line += 1
        processed += 1
        if not any(c is not None and str(c).strip() for c in cells):
            continue  # a blank row
        if len(cells) > width and any(c is not None and str(c).strip() for c in cells[width:]):
            result.add_error(RowError(line, "row", "has more cells than the header"))
        values: dict[str, Any] = dict(absent)
        ok = True
        for index, name, parse in plan:
            raw = cells[index] if index < len(cells) else None
            try:
                values[name] = parse(raw)
            except ValueError as exc:
                result.add_error(RowError(line, name, str(exc)))
                values[name] = None
                ok = False
        if values.get("credit_code") is None:
            continue
        if not ok:  # staged only to find duplicates; nothing is written after an error
            values = dict.fromkeys(order) | {"credit_code": values["credit_code"]}
        values["_line"] = line
        batch.append(values)
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()
    result.total_rows = processed
    return present


def import_enterprises(
    path: Path | str,
    *,
    dry_run: bool = False,
    filename: str | None = None,
    job: ImportJob | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the enterprise file at `path`: everything or, if any row is bad, nothing.

    The caller checks permission and sets the audit actor (`acting_as`); writes are audited.
    """
    path = Path(path)
    filename = filename or path.name
    result = ImportResult(dry_run=dry_run, sha256=file_sha256(path))
    try:
        rows, total = open_rows(path)
        refs = References.load()
        staging = _Staging()
        staging.create()
        try:
            if job is not None:
                ImportJob.objects.filter(pk=job.pk).update(total_rows=total, sha256=result.sha256)
            present = _stage_file(rows, staging, refs, result, progress, total)
            staging.index()
            for error in _duplicates(staging, MAX_REPORTED_ERRORS):
                result.add_error(error)
            result.errors.sort()
            if result.ok:
                new, changed, unchanged = _classify(staging, present)
                result.created, result.updated, result.unchanged = new, changed, unchanged
                if not dry_run and (new or changed):
                    now = timezone.now()
                    with transaction.atomic():
                        _write_updates(staging, present, now)
                        _write_creates(staging, filename, now)
                        if job is not None:
                            record_event(
                                instance=job,
                                event="enterprises_imported",
                                message=f"Imported {filename}",
                                data={
                                    "sha256": result.sha256,
                                    "rows": result.total_rows,
                                    "created": new,
                                    "updated": changed,
                                    "unchanged": unchanged,
                                },
                            )
                        DataVersion.bump(REGISTRY_DATA)
                        if new + changed >= ANALYZE_AFTER_ROWS:
                            transaction.on_commit(lambda: refresh_planner_statistics(Enterprise))
        finally:
            staging.drop()
    except ImportFileError as exc:
        for error in exc.errors:
            result.add_error(error)
    return result


SUPPORTED_SUFFIXES = (".csv", ".xlsx")


@transaction.atomic
def import_job_create(*, actor: Actor, upload: UploadedFile[bytes], dry_run: bool) -> ImportJob:
    """Save an uploaded enterprise file as a pending ImportJob (run it with tasks.start_import)."""
    if not manages_registry(access_for(actor)):
        raise PermissionDenied("Only city admins import firms.")
    name = Path(upload.name or "upload").name
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ValidationError("Upload a .csv or .xlsx file.", code="file_type")
    job = ImportJob(created_by=acting_user(actor), filename=name[:255], dry_run=dry_run)
    job.file.save(name, upload, save=False)
    job.full_clean()
    job.save()
    return job


def run_job(job: ImportJob, *, progress: Progress | None = None) -> ImportResult:
    """Run a saved ImportJob (its `file`), recording progress and the outcome on the job."""

    def report(processed: int, total: int | None) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)
        if progress is not None:
            progress(processed, total)

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        result = import_enterprises(
            job.file.path, dry_run=job.dry_run, filename=job.filename, job=job, progress=report
        )
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            message=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    finish_job(job, result)
    return result


def finish_job(job: ImportJob, result: ImportResult) -> None:
    job.status = ImportStatus.SUCCEEDED if result.ok else ImportStatus.FAILED
    job.total_rows = result.total_rows
    job.processed_rows = result.total_rows
    job.created_count = result.created if result.ok else 0
    job.updated_count = result.updated if result.ok else 0
    job.unchanged_count = result.unchanged if result.ok else 0
    job.errors = [e.as_dict() for e in result.errors]
    job.sha256 = result.sha256
    job.finished_at = timezone.now()
    if result.ok:
        verb = "Would import" if result.dry_run else "Imported"
        job.message = (
            f"{verb} {result.total_rows} rows: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged."
        )
    else:
        more = result.error_count - len(result.errors)
        job.message = f"{result.error_count} errors; nothing was written." + (
            f" The first {len(result.errors)} are listed ({more} more)." if more else ""
        )
    job.save(
        update_fields=[
            "status",
            "total_rows",
            "processed_rows",
            "created_count",
            "updated_count",
            "unchanged_count",
            "errors",
            "sha256",
            "finished_at",
            "message",
        ]
    )


def write_csv_rows(out: io.TextIOBase, rows: Iterable[dict[str, Any]], *, chinese: bool) -> None:
    """Write rows (keyed by field name) in the import format."""
    writer = csv.writer(out)
    writer.writerow(CHINESE_HEADERS if chinese else ENGLISH_HEADERS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in ENGLISH_HEADERS])
