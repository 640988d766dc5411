"""Matching and writing: the staging table of validated rows, and the set-based SQL that finds
duplicates, links rows to existing firms and writes the new and changed ones with their audit."""

# SQL here is composed only from our own table and column names; values are always parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.translation import gettext_noop

from chainlead.audit import context as audit_context
from chainlead.audit.chain import insert_linked
from chainlead.audit.models import AuditAction
from chainlead.audit.services import record_bulk_changes
from chainlead.core.reasons import Reason
from chainlead.core.text import to_simplified
from chainlead.registry.choices import DataProvenance
from chainlead.registry.importers.cells import _CENT
from chainlead.registry.importers.format import COLUMNS, Column, ImportFileError, RowError
from chainlead.registry.models import Enterprise

BATCH_SIZE = 5000

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
                "DEFAULT 0, created_id bigint)"
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
            cursor.execute(f"CREATE INDEX {self.table}_name ON {self.table} (search_text)")
            if self.postgres:
                cursor.execute(f"ANALYZE {self.table}")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


def _duplicates(staging: _Staging, limit: int) -> list[RowError]:
    """Rows naming a firm an earlier row names: by credit code, by stock code, and (for rows
    without a credit code, which are matched by name) by name."""
    t = staging.table
    checks = [
        ("credit_code", "credit_code", "s.credit_code IS NOT NULL"),
        ("stock_code", "stock_code", "s.stock_code IS NOT NULL"),
        ("name", "search_text", "s.credit_code IS NULL AND s.search_text IS NOT NULL"),
    ]
    errors: list[RowError] = []
    with connection.cursor() as cursor:
        for field_name, column, where in checks:
            cursor.execute(
                f"SELECT s.line_no, s.{field_name}, d.first FROM {t} s "
                f"JOIN (SELECT s.{column} AS k, MIN(s.line_no) AS first FROM {t} s WHERE {where} "
                f"GROUP BY s.{column} HAVING COUNT(*) > 1) d ON d.k = s.{column} "
                f"WHERE {where} AND s.line_no > d.first ORDER BY s.line_no LIMIT %s",
                [limit],
            )
            errors += [
                RowError(
                    line,
                    field_name,
                    Reason(
                        gettext_noop(
                            "%(value)s appears twice in the file (first in row %(first)d)"
                        ),
                        value=value,
                        first=first,
                    ),
                )
                for line, value, first in cursor.fetchall()
            ]
    return errors


def _changed_condition(present: list[Column], postgres: bool) -> str:
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"
    parts = [f"e.{c.db_column} {differs} s.{c.db_column}" for c in present]
    return " OR ".join(parts) if parts else "1 = 0"


def _link_without_code(staging: _Staging) -> list[RowError]:
    """Link rows without a credit code to the firm of their stock code, else of their name.

    Names compare as search keys (Traditional as Simplified, case and whitespace ignored): the
    staged key of the row against the firm's own name, or its key when it has no short name.
    A name that several firms share is an error: the row must give a credit code.
    """
    t = staging.table
    table = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t} AS s SET enterprise_id = e.id FROM {table} AS e "
            "WHERE s.credit_code IS NULL AND s.stock_code IS NOT NULL "
            "AND e.stock_code = s.stock_code"
        )
        # Two equality joins, not one with OR, so that each uses its index on both databases.
        select = f"SELECT s.line_no, s.search_text, e.id, e.name FROM {t} s JOIN {table} e "
        where = "WHERE s.credit_code IS NULL AND s.enterprise_id IS NULL"
        cursor.execute(
            f"{select} ON e.name = s.name {where} "
            f"UNION {select} ON e.search_text = s.search_text {where}"
        )
        candidates: dict[int, set[int]] = {}
        keys: dict[int, str] = {}
        names: dict[int, str] = {}
        for line, key, pk, name in cursor.fetchall():
            candidates.setdefault(line, set()).add(pk)
            keys[line] = key
            names[pk] = name
    # The join also finds "name + short name" keys equal to a bare name: keep true matches.
    own_keys = dict(zip(names, _search_keys(list(names.values())), strict=True))
    links: list[tuple[int, int]] = []
    errors: list[RowError] = []
    for line, pks in candidates.items():
        found = sorted(pk for pk in pks if own_keys[pk] == keys[line])
        if len(found) == 1:
            links.append((found[0], line))
        elif found:
            errors.append(
                RowError(
                    line,
                    "name",
                    Reason(
                        gettext_noop(
                            "%(n)d registered firms have this name (ids %(ids)s): give the "
                            "firm's credit code"
                        ),
                        n=len(found),
                        ids=", ".join(map(str, found[:5])),
                    ),
                )
            )
    if links:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {t} SET enterprise_id = %s WHERE line_no = %s", links)
    return errors


def _stock_code_conflicts(staging: _Staging, limit: int) -> list[RowError]:
    """Rows giving a stock code that another registered firm holds."""
    t = staging.table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.line_no, s.stock_code, e.name FROM {t} s "
            f"JOIN {Enterprise._meta.db_table} e ON e.stock_code = s.stock_code "
            "WHERE s.enterprise_id IS NULL OR s.enterprise_id <> e.id "
            "ORDER BY s.line_no LIMIT %s",
            [limit],
        )
        return [
            RowError(
                line,
                "stock_code",
                Reason(
                    gettext_noop("%(code)s is the stock code of %(name)s, another firm"),
                    code=code,
                    name=name,
                ),
            )
            for line, code, name in cursor.fetchall()
        ]


def _classify(staging: _Staging, present: list[Column], limit: int) -> tuple[int, int, int]:
    """Link staged rows to existing firms and mark the changed ones: (new, changed, unchanged).

    Raises ImportFileError for rows that cannot be linked safely (a name several firms have,
    a stock code of another firm)."""
    t = staging.table
    compared = [c for c in present if c.name != "credit_code"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t} AS s SET enterprise_id = e.id FROM {Enterprise._meta.db_table} AS e "
            "WHERE e.credit_code = s.credit_code"
        )
    errors = _link_without_code(staging) + _stock_code_conflicts(staging, limit)
    if errors:
        raise ImportFileError(sorted(errors)[:limit])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {t} AS s SET changed = 1 FROM {Enterprise._meta.db_table} AS e "
            f"WHERE e.id = s.enterprise_id AND ({_changed_condition(compared, staging.postgres)})"
        )
        cursor.execute(
            f"SELECT COUNT(*) - COUNT(enterprise_id), COALESCE(SUM(changed), 0), COUNT(*) FROM {t}"
        )
        new, changed, total = cursor.fetchone()
    return int(new), int(changed), int(total) - int(new) - int(changed)


def _possible_duplicates(staging: _Staging, limit: int) -> list[RowError]:
    """New firms (with a credit code of their own) whose name a registered firm already has."""
    t = staging.table
    with connection.cursor() as cursor:
        select = (
            f"SELECT s.line_no, e.id, e.name, e.credit_code FROM {t} s "
            f"JOIN {Enterprise._meta.db_table} e "
        )
        where = (
            "WHERE s.enterprise_id IS NULL AND s.credit_code IS NOT NULL "
            "AND (e.credit_code IS NULL OR e.credit_code <> s.credit_code)"
        )
        # Two equality joins, not one with OR, so that each uses its index on both databases.
        cursor.execute(
            f"SELECT * FROM ({select} ON e.name = s.name {where} "
            f"UNION {select} ON e.search_text = s.search_text {where}) d "
            "ORDER BY 1, 2 LIMIT %s",
            [limit],
        )
        return [
            RowError(
                line,
                "name",
                Reason(
                    gettext_noop(
                        "possible duplicate: firm %(pk)d (%(name)s) has this name with credit "
                        "code %(code)s; created as a new firm, check which is right"
                    ),
                    pk=pk,
                    name=name,
                    code=code or "—",
                ),
            )
            for line, pk, name, code in cursor.fetchall()
        ]


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
    """INSERT ... SELECT the new firms, then their create audit entries, linked as inserted.

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
        insert = f"INSERT INTO {table} ({', '.join(insert_columns)}) SELECT {select} FROM {t} s "
        cursor.execute(
            insert + "WHERE s.enterprise_id IS NULL AND s.credit_code IS NOT NULL "
            "ORDER BY s.line_no",
            [value for _, value in constants],
        )
        cursor.execute(
            f"UPDATE {t} AS s SET created_id = e.id FROM {table} AS e "
            "WHERE s.enterprise_id IS NULL AND e.credit_code = s.credit_code"
        )
        # Firms without a credit code have no key to find them by after a set-based INSERT:
        # each is inserted on its own, which is fine for the few a file has.
        cursor.execute(
            f"SELECT line_no FROM {t} WHERE enterprise_id IS NULL AND credit_code IS NULL "
            "ORDER BY line_no"
        )
        for (line,) in cursor.fetchall():
            cursor.execute(
                insert + "WHERE s.line_no = %s RETURNING id",
                [*(value for _, value in constants), line],
            )
            (pk,) = cursor.fetchone()
            cursor.execute(f"UPDATE {t} SET created_id = %s WHERE line_no = %s", [pk, line])
    # One create entry per firm, in the file's order, inserted already linked into the audit
    # log's hash chain (columns: `audit.chain.INSERT_COLUMNS`).
    insert_linked(
        "SELECT %s, %s, %s, %s, %s, %s, %s, '', %s, "
        f"CAST(e.id AS {text_type}), e.name, NULL, {after}, '' FROM {t} s "
        f"JOIN {table} e ON e.id = s.created_id ORDER BY s.line_no",
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


def _search_keys(names: list[str]) -> list[str]:
    """`core.text.search_key` of many names with one OpenCC call (per-call overhead dominates)."""
    if not names:
        return []
    simplified = to_simplified("\n".join(n.replace("\n", " ") for n in names)).split("\n")
    return ["".join(s.casefold().split()) for s in simplified]


def created_ids(staging: _Staging, limit: int) -> list[int]:
    """The ids of the firms `_write_creates` inserted, in the file's order; at most `limit`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT created_id FROM {staging.table} WHERE created_id IS NOT NULL "
            "ORDER BY line_no LIMIT %s",
            [limit],
        )
        return [int(pk) for (pk,) in cursor.fetchall()]
