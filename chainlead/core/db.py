"""Database chores shared by the bulk writers."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, connections, models


def refresh_planner_statistics(*model_classes: type[models.Model]) -> None:
    """ANALYZE the models' tables after a bulk write.

    The query planner estimates row counts from statistics that autovacuum refreshes only a
    while later; right after 200,000 rows arrive in bulk, PostgreSQL still believes a chain has
    a handful of open requests, joins every one of them to its firm before keeping the ten most
    urgent, and a dashboard that takes 0.1 s takes 1.2 s (measured on the 1M-firm benchmark).
    SQLite keeps its own statistics the same way.
    """
    with connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def select_columns(
    queryset: models.QuerySet[Any], values: Sequence[Any]
) -> models.QuerySet[Any, dict[str, Any]]:
    """`queryset` selecting exactly `values` (expressions), in order, as c0, c1, …: the shape
    `insert_select` wants."""
    names = [f"c{i}" for i in range(len(values))]
    annotated: models.QuerySet[Any] = queryset.annotate(**dict(zip(names, values, strict=True)))
    return annotated.values(*names)


def insert_select(
    model: type[models.Model], columns: Sequence[str], queryset: models.QuerySet[Any, Any]
) -> int:
    """INSERT INTO model (columns) SELECT …: one statement whatever the number of rows; returns
    the count. `queryset` selects exactly `columns`, in order (see `select_columns`).

    Bypasses save() and signals: the caller bumps data versions, and audit rows are written only
    through `audit.services.record_events_select`, which links them into the hash chain.
    """
    sql, params = queryset.order_by().query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = []
    for name in columns:
        field = model._meta.get_field(name)
        column = field.column if isinstance(field, models.Field) else None
        if column is None:
            raise ValueError(f"{model.__name__}.{name} is not a column.")
        names.append(connection.ops.quote_name(column))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(names)}) {sql}", params)
        return int(cursor.rowcount)


@functools.cache
def _row_reader(
    model: type[models.Model], database: str
) -> tuple[str, tuple[str, ...], tuple[tuple[int, Any, list[Callable[..., Any]]], ...]]:
    """The SELECT of `model`'s concrete columns by primary key, their attribute names, and the
    converters the ORM applies to each (a SQLite datetime made aware, a JSON text parsed)."""
    db = connections[database]
    quote = db.ops.quote_name
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    columns = ", ".join(quote(str(f.column)) for f in fields)
    key = quote(str(model._meta.pk.column))
    sql = f"SELECT {columns} FROM {quote(table)} WHERE {key} = %s"  # noqa: S608 (the model's names)
    converters = []
    for i, field in enumerate(fields):
        column = field.get_col(table)
        found = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if found:
            converters.append((i, column, found))
    return sql, tuple(f.attname for f in fields), tuple(converters)


def instance_by_pk(model: type[models.Model], pk: Any, *, using: str) -> models.Model | None:
    """`model.objects.get(pk=pk)` (None when there is none) in one plain statement, the same
    instance the ORM builds: for reads on every request, where compiling the query each time
    costs three times the read (~0.3 against ~0.1 ms of CPU)."""
    sql, names, converters = _row_reader(model, using)
    db = connections[using]
    with db.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for i, column, functions in converters:
        for convert in functions:
            values[i] = convert(values[i], column, db)
    return model.from_db(using, list(names), values)


# One model's slice of a joined row: the model, its attribute names, where its columns start
# and end in the row, its converters (row index, column, functions), and the foreign key of
# the first model that points to it (None for the first model).
_Part = tuple[
    type[models.Model],
    tuple[str, ...],
    int,
    int,
    tuple[tuple[int, Any, list[Callable[..., Any]]], ...],
    Any,
]


@functools.cache
def _rows_reader(
    model: type[models.Model], related: tuple[str, ...], database: str
) -> tuple[str, tuple[_Part, ...]]:
    """SELECT … FROM the model's table LEFT JOIN each foreign key's table (the columns of all,
    in order), up to its WHERE on the primary key, and each model's slice of the row."""
    db = connections[database]
    quote = db.ops.quote_name
    base = quote(model._meta.db_table)
    columns: list[str] = []
    joins: list[str] = []
    parts: list[_Part] = []

    def add(part_model: type[models.Model], alias: str, foreign_key: Any) -> None:
        fields = part_model._meta.concrete_fields
        start = len(columns)
        converters = []
        for i, field in enumerate(fields):
            columns.append(f"{alias}.{quote(str(field.column))}")
            column = field.get_col(alias)
            found = db.ops.get_db_converters(column) + column.get_db_converters(db)
            if found:
                converters.append((start + i, column, found))
        names = tuple(f.attname for f in fields)
        parts.append((part_model, names, start, len(columns), tuple(converters), foreign_key))

    add(model, base, None)
    for name in related:
        foreign_key: Any = model._meta.get_field(name)
        target = foreign_key.related_model
        alias = quote(f"r{len(parts)}")
        joins.append(
            f"LEFT JOIN {quote(target._meta.db_table)} {alias} ON {alias}."
            f"{quote(foreign_key.target_field.column)} = {base}.{quote(foreign_key.column)}"
        )
        add(target, alias, foreign_key)
    key = f"{base}.{quote(str(model._meta.pk.column))}"
    sql = f"SELECT {', '.join(columns)} FROM {base} {' '.join(joins)} WHERE {key}"  # noqa: S608 (the models' names)
    return sql, tuple(parts)


def reads_plainly(model: type[models.Model], related: tuple[str, ...]) -> bool:
    """Whether `instances_by_pk` can read `model` with `related`: foreign keys of the model to
    models stored in one table each (no multi-table inheritance)."""
    if model._meta.parents:
        return False
    for name in related:
        try:
            field: Any = model._meta.get_field(name)
        except Exception:
            return False
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            return False
        if field.related_model._meta.parents:
            return False
    return True


def instances_by_pk(
    model: type[models.Model], pks: Sequence[Any], *, related: tuple[str, ...] = (), using: str
) -> dict[Any, models.Model]:
    """`model.objects.select_related(*related).in_bulk(pks)` in one plain statement: the same
    instances, each foreign key of `related` loaded. A page of a ranked list reads its rows
    this way on every request; compiling the query each time cost half the read. Check
    `reads_plainly` first."""
    if not pks:
        return {}
    sql, parts = _rows_reader(model, related, using)
    db = connections[using]
    if db.vendor == "postgresql":
        sql, params = f"{sql} = ANY(%s)", [list(pks)]
    else:
        sql, params = f"{sql} IN ({', '.join(['%s'] * len(pks))})", list(pks)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[Any, models.Model] = {}
    first_model, first_names, first_start, first_end, _, _ = parts[0]
    for row in rows:
        values = list(row)
        for _model, _names, _start, _end, converters, _fk in parts:
            for i, column, functions in converters:
                for convert in functions:
                    values[i] = convert(values[i], column, db)
        obj = first_model.from_db(using, list(first_names), values[first_start:first_end])
        for part_model, names, start, end, _converters, foreign_key in parts[1:]:
            key_at = start + names.index(part_model._meta.pk.attname)
            target = None
            if values[key_at] is not None:  # else the LEFT JOIN found no row: a null key
                target = part_model.from_db(using, list(names), values[start:end])
            foreign_key.set_cached_value(obj, target)
        found[obj.pk] = obj
    return found
