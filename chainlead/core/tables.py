"""A django-tables2 table written in one pass (`table_html`, all that `core/table.html` calls):
its header, rows, footer and pager.

django-tables2's own template asks, for every cell, which arguments the column's render
function takes (`inspect.signature`), whether its field has choices, and rebuilds the column's
`<td>` attributes (merging dicts, sorting class names); the template engine then looks each of
these up. For a page of 50 rows of 10 columns that was most of a list's CPU (the enterprise
list: ~20 of its ~35 ms). Here the per-column answers are worked out once per table and the
cells written straight into the HTML, with the same values, links, escaping and localisation as
the library's template (`tests/test_tables.py` compares both on every list's table, and the whole
table with its pager on every list, over many pages and with a footer).

What depends on the row (callable `<td>` attributes, a column's `localize`, a render function
wanting the row) is still asked per row, as the library does.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import html
import inspect
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_tables2
from django.db import models
from django.db.models import QuerySet
from django.template import Context
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.urls import reverse
from django.utils.functional import Promise, cached_property
from django.utils.hashable import make_hashable
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django_tables2 import Column, Table
from django_tables2.columns.base import BoundColumn, LinkTransform
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.data import TableQuerysetData
from django_tables2.rows import BoundRow
from django_tables2.templatetags.django_tables2 import render_attrs, table_page_range
from django_tables2.utils import Accessor, AttributeDict, signature

from chainlead.core.db import instances_by_pk, reads_plainly
from chainlead.core.html import escaped

# What django-tables2 offers a render function (BoundRow._optional_cell_arguments).
_CELL_ARGUMENTS = frozenset(("value", "record", "column", "bound_column", "bound_row", "table"))
_MISSING = object()


def _copy_of_column(column: Column) -> Column:
    """A column for one table: its own attributes and its own `attrs` dicts (and its link's),
    the rest (verbose name, accessor, render functions) shared with the class's column."""
    copied = copy.copy(column)
    copied.attrs = _copy_of_attrs(column.attrs)
    link = getattr(column, "link", None)
    if link is not None:
        copied.link = copy.copy(link)
        copied.link.attrs = _copy_of_attrs(link.attrs)
    return copied


def _copy_of_attrs(attrs: Any) -> Any:
    if isinstance(attrs, dict):
        return type(attrs)((key, _copy_of_attrs(value)) for key, value in attrs.items())
    return attrs


class _ColumnsOfATable(dict[str, Column]):
    """A table class's columns. django-tables2 deep-copies them for every table, so that a table
    may hide or change its own; what a table may change is a column's attributes and its
    `attrs` dicts, so copying those is enough (ten columns: 0.03 ms instead of 0.18)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Column]:
        return {name: _copy_of_column(column) for name, column in self.items()}


class PlatformTable(django_tables2.Table):
    """The base of every list's table: django-tables2's, each table's columns copied cheaply
    (`_ColumnsOfATable`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.base_columns = _ColumnsOfATable(cls.base_columns)


def _has_callable(attrs: Any) -> bool:
    if callable(attrs):
        return True
    if isinstance(attrs, dict):
        return any(_has_callable(v) for v in attrs.values())
    return False


def _default_display_field(cls: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    """The field whose label `cls.get_<name>_display` gives when it is Django's own (a
    partialmethod of Model._get_FIELD_display: the label depends on the value alone)."""
    method = inspect.getattr_static(cls, f"get_{name}_display", None)
    if isinstance(method, functools.partialmethod) and (
        method.func is getattr(models.Model, "_get_FIELD_display", None)
    ):
        field: models.Field[Any, Any] = method.keywords["field"]
        return field
    return None


_SIGNATURES: dict[Any, tuple[tuple[str, ...], bool]] = {}

# A number no real key takes, reversed in its place to find where the key goes in the URL.
_URL_SENTINEL = 918_273_645_501


class _ReversedLink:
    """A column's link reversed once per table: `linkify=(view, {"pk": A("pk")})` makes the
    library reverse the URL for every row (some 15 µs each); here the `<a …>` is reversed once
    with a stand-in key and the row's key put in its place. Only for a view name reversed with
    one argument read off the record, plain attributes and an integer key (a string key could
    be quoted by reverse()); `anchor` gives None for anything else, and the library links it."""

    def __init__(self, before: str, after: str, accessor: Accessor) -> None:
        self.before = before
        self.after = after
        self.accessor = accessor

    @classmethod
    def of(cls, link: Any) -> _ReversedLink | None:
        if type(link) is not LinkTransform or link.url is not None or link.accessor is not None:
            return None
        if _has_callable(link.attrs or {}):
            return None
        reverse_args = dict(link.reverse_args)
        viewname = reverse_args.pop("viewname", None)
        kwargs = dict(reverse_args.pop("kwargs", None) or {})
        args = list(reverse_args.pop("args", None) or [])
        if not isinstance(viewname, str) or reverse_args:
            return None  # an urlconf or current_app of its own, or a view read off the record
        found = [k for k, v in kwargs.items() if isinstance(v, Accessor)]
        found_args = [i for i, v in enumerate(args) if isinstance(v, Accessor)]
        if len(found) + len(found_args) != 1:
            return None
        if found:
            accessor, kwargs[found[0]] = kwargs[found[0]], _URL_SENTINEL
        else:
            accessor, args[found_args[0]] = args[found_args[0]], _URL_SENTINEL
        attrs = AttributeDict(link.attrs or {})
        attrs["href"] = reverse(viewname, args=args or None, kwargs=kwargs or None)
        before, sentinel, after = str(attrs.as_html()).partition(str(_URL_SENTINEL))
        if not sentinel or str(_URL_SENTINEL) in after:
            return None
        return cls("<a " + before, after + ">", accessor)

    def anchor(self, content: Any, record: Any) -> SafeString | None:
        """What LinkTransform(content, record=record) writes, or None where it may differ."""
        key = self.accessor.resolve(record, quiet=True)
        if type(key) is not int:
            return None
        # SafeString, not mark_safe: the same for a str, without keep_lazy's checks per cell.
        return SafeString(f"{self.before}{key}{self.after}{escaped(content)}</a>")


def _signature(function: Callable[..., Any]) -> tuple[tuple[str, ...], bool]:
    """django-tables2's `signature` (inspect.signature: costly), once per function: a bound
    method is new on every table, the function under it is not."""
    key = getattr(function, "__func__", function)
    try:
        return _SIGNATURES[key]
    except (KeyError, TypeError):  # TypeError: an unhashable callable
        args, catch_all = signature(function)
        answer = (tuple(args), bool(catch_all))
        with contextlib.suppress(TypeError):
            _SIGNATURES[key] = answer
        return answer


class _Column:
    """What a column needs per cell, worked out once per table (what BoundRow.get_cell and the
    library's template work out for every cell)."""

    def __init__(self, table: Table, bound: BoundColumn) -> None:
        self.bound = bound
        self.column = bound.column
        self.name = bound.name
        self.default = bound.default
        self.empty_values = self.column.empty_values
        self.link = bound.link
        self.is_link_column = isinstance(self.column, BaseLinkColumn)
        self.is_many_to_many = isinstance(self.column, ManyToManyColumn)
        self.text_of_link = getattr(self.column, "text", None)
        self.accessor = Accessor(bound.accessor)
        path, _, self.remainder = self.accessor.rpartition(self.accessor.SEPARATOR)
        self.path = Accessor(path) if path else None
        self.fields: dict[type, Any] = {}  # the accessor's model field, per record class
        self.choice_fields: dict[type, Any] = {}  # the field Django's get_FOO_display reads
        self.labels: dict[tuple[Any, Any], Any] = {}  # (field, value) → its choice's label
        self.render: Callable[..., Any] = bound.render
        args, catch_all = _signature(self.render)
        self.pass_all = bool(catch_all)
        self.args = tuple(args)
        # As call_with_appropriate: a function wanting anything else is not called (None).
        self.uncallable = not self.pass_all and any(a not in _CELL_ARGUMENTS for a in args)
        table_attrs = dict(table.attrs)
        table_attrs.update(dict(self.column.attrs))
        td = table_attrs.get("td", table_attrs.get("cell", {}))
        self.td_varies = _has_callable(td)
        attrs = bound.attrs  # worked out anew at each reading: once here for th and td
        self.th_html = attrs["th"].as_html()
        self.td_html = "" if self.td_varies else attrs["td"].as_html()
        self.localize = self.column.localize
        self.reversed_link = _ReversedLink.of(self.link) if self.link else None

    def field_of(self, record: models.Model) -> Any:
        cls = type(record)
        try:
            return self.fields[cls]
        except KeyError:
            field = self.fields[cls] = self.accessor.get_field(record)
            return field

    def display_of(self, obj: models.Model) -> Any:
        """`obj.get_FOO_display()` (_MISSING when there is none). Django's own builds a dict of
        the field's choices at each call: here each value's label is looked up once per table."""
        cls = type(obj)
        try:
            choice_field = self.choice_fields[cls]
        except KeyError:
            choice_field = self.choice_fields[cls] = _default_display_field(cls, self.remainder)
        if choice_field is None:  # the model's own get_FOO_display, or none
            display = getattr(obj, f"get_{self.remainder}_display", None)
            return display() if display else _MISSING
        value = getattr(obj, choice_field.attname)
        # Choice values are strings or numbers; make_hashable only for anything else.
        key = (choice_field, value if type(value) in (str, int) else make_hashable(value))
        try:
            return self.labels[key]
        except KeyError:
            label = getattr(obj, f"get_{self.remainder}_display")()
            if isinstance(label, Promise):
                # Translated once: the table is drawn in one language, each cell would again.
                label = str(label)
            self.labels[key] = label
            return label

    def resolve(self, record: Any) -> Any:
        """`self.accessor.resolve(record)`, with a model's plain attribute read directly (the
        library first tries `record[name]`, which raises for a model instance)."""
        if self.path is None and isinstance(record, models.Model):
            value = getattr(record, self.remainder, _MISSING)
            if value is not _MISSING and not callable(value):
                return value
        return self.accessor.resolve(record)

    def cell(self, row: BoundRow, record: Any, table: Table) -> Any:
        """BoundRow.get_cell(name): the value, through the render function and the link."""
        value = None
        remainder: str | None = self.remainder
        penultimate = record if self.path is None else self.path.resolve(record, quiet=True)
        if isinstance(penultimate, models.Model):
            # Choices are shown by their label (get_FOO_display), as the library does.
            field = self.field_of(record)
            if getattr(field, "choices", ()):
                display = self.display_of(penultimate)
                if display is not _MISSING:
                    value = display
                    remainder = None
        if remainder:
            try:
                value = self.resolve(record)
            except Exception:
                # A column not backed by a field (the library's issue #257).
                if self.is_link_column and self.text_of_link is not None:
                    return self.call(row, record, table, None)
        if value in self.empty_values or (
            self.is_many_to_many and not value.exists()  # type: ignore[union-attr]
        ):
            return self.default
        return self.call(row, record, table, value)

    def call(self, row: BoundRow, record: Any, table: Table, value: Any) -> Any:
        everything = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound,
            "bound_row": row,
            "table": table,
        }
        if self.uncallable:
            content = None
        elif self.pass_all:
            content = self.render(**everything)
        else:
            content = self.render(**{a: everything[a] for a in self.args})
        if not self.link:
            return content
        if self.reversed_link is not None:
            anchor = self.reversed_link.anchor(content, record)
            if anchor is not None:
                return anchor
        return self.link(content, **everything)


def _attrs_html(attrs: Any, key: str) -> str:
    """`{{ attrs.<key>.as_html }}` as the template resolves it: "" when there is none."""
    value: Any = attrs.get(key) if isinstance(attrs, dict) else None
    return str(value.as_html()) if hasattr(value, "as_html") else ""


def _query_with(params: dict[str, list[str]], field: str) -> Callable[[Any], str]:
    """`{% querystring_replace field=value %}` for the request's `params`: the query string
    with `field` set to a value, escaped. Where `field` is not among `params` it comes last,
    so the rest is encoded once."""
    if field in params:
        return lambda value: escape("?" + urlencode({**params, field: value}, doseq=True))
    rest = urlencode(params, doseq=True)
    prefix = f"?{rest}&" if rest else "?"
    return lambda value: escape(prefix + urlencode({field: value}, doseq=True))


def _columns(table: Table) -> list[_Column]:
    """The table's columns worked out once for its header and rows."""
    return [_Column(table, bound) for bound in table.columns]


def table_head(table: Table, context: Context, columns: list[_Column] | None = None) -> SafeString:
    """django-tables2's `<thead>` (its `table.thead` block) but for the whitespace: each
    column's header, a link that sorts by it where it sorts."""
    if not table.show_header:
        return mark_safe("")
    params = dict(context["request"].GET)
    field = table.prefixed_order_by_field
    sorted_by = _query_with(params, field) if field else None
    out = [f"<thead {_attrs_html(table.attrs, 'thead')}><tr>"]
    for col in columns or _columns(table):
        column = col.bound
        header = render_value_in_context(column.header, context)
        if column.orderable:
            href: str
            if sorted_by is None:  # the table is not sorted by the request
                href = escape("?" + urlencode(params, doseq=True))
            else:
                href = sorted_by(column.order_by_alias.next)
            header = f'<a href="{href}">{header}</a>'
        out.append(f"<th {col.th_html}>{header}</th>")
    out.append("</tr></thead>")
    return mark_safe("".join(out))  # noqa: S308 (every part escaped above, as the template does)


def table_pager(table: Table, context: Context) -> SafeString:
    """The pager of core/table.html: the count of results, and where there is more than one
    page, links to the previous, next and nearby pages keeping the filters."""
    page = getattr(table, "page", None)
    if not page:
        return mark_safe("")
    paginator = table.paginator
    count = render_value_in_context(paginator.count, context)
    results = ngettext("%(n)s result", "%(n)s results", paginator.count) % {"n": count}
    out = [
        f'<nav class="pagination" aria-label="{escape(gettext("Pages"))}">'
        f'<span class="muted">{results}</span>'
    ]
    if paginator.num_pages > 1:
        to_page = _query_with(dict(context["request"].GET), table.prefixed_page_field)
        if page.has_previous():
            out.append(
                f'<a class="btn btn-secondary" href="{to_page(page.previous_page_number())}">'
                f"‹ {escape(gettext('Previous'))}</a>"
            )
        for number in table_page_range(page, paginator):
            if number == "...":
                out.append('<span class="muted">…</span>')
            elif number == page.number:
                out.append(f'<strong aria-current="page">{number}</strong>')
            else:
                out.append(f'<a href="{to_page(number)}">{number}</a>')
        if page.has_next():
            out.append(
                f'<a class="btn btn-secondary" href="{to_page(page.next_page_number())}">'
                f"{escape(gettext('Next'))} ›</a>"
            )
    out.append("</nav>")
    return mark_safe("".join(out))  # noqa: S308 (every part escaped above, as the template does)


def table_html(table: Table, context: Context) -> SafeString:
    """The whole table as core/table.html's blocks over django-tables2's template wrote it, but
    for the whitespace: the library's `<table>` with our header and rows, its footer where a
    column has one, and our pager."""
    columns = _columns(table)
    parts = [
        f'<div class="table-container"><table {render_attrs(table.attrs)}>',
        table_head(table, context, columns),
        f"<tbody {_attrs_html(table.attrs, 'tbody')}>",
        table_body(table, context, columns),
        "</tbody>",
    ]
    if table.has_footer():
        parts.append(f"<tfoot {_attrs_html(table.attrs, 'tfoot')}><tr>")
        for column in table.columns:
            footer = render_value_in_context(column.footer, context)
            parts.append(f"<td {column.attrs['tf'].as_html()}>{footer}</td>")
        parts.append("</tr></tfoot>")
    parts += ["</table>", table_pager(table, context), "</div>"]
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped where it is made)


def table_body(table: Table, context: Context, columns: list[_Column] | None = None) -> SafeString:
    """The `<tr>`s of the table's current page: what django-tables2's template writes inside
    `<tbody>` (its `table.tbody.row` and `empty_text` blocks), but for the whitespace."""
    columns = columns or _columns(table)
    # A row's attributes are its even/odd class unless the table computes them per record.
    row_attrs: dict[str, str] | None = None if _has_callable(table.row_attrs) else {}
    autoescape = context.autoescape
    out: list[str] = []
    for row in table.paginated_rows:
        record = row.record
        if row_attrs is None:
            out.append(f"<tr {row.attrs.as_html()}>")
        else:
            parity = row.get_even_odd_css_class()
            attrs = row_attrs.get(parity)
            if attrs is None:
                attrs = row_attrs[parity] = row.attrs.as_html()
            out.append(f"<tr {attrs}>")
        for col in columns:
            value = col.cell(row, record, table)
            if col.td_varies:
                # Callable attributes receive the cell's value and record (BoundRow.items).
                col.bound.current_value = value
                col.bound.current_record = record
                td = col.bound.attrs["td"].as_html()
            else:
                td = col.td_html
            if col.localize is not None:
                value = localize(value) if col.localize else unlocalize(value)
            # Text as render_value_in_context writes it (str is neither localized nor
            # converted; escaped unless safe), without its calls; anything else through it.
            text: str
            if isinstance(value, SafeString):
                text = value
            elif type(value) is str and autoescape:
                text = html.escape(value)
            else:
                text = render_value_in_context(value, context)
            out.append(f"<td {td}>{text}</td>")
        out.append("</tr>")
    if not out and table.empty_text:
        text = render_value_in_context(table.empty_text, context)
        out.append(f'<tr><td colspan="{len(table.columns)}">{text}</td></tr>')
    return mark_safe("\n".join(out))  # noqa: S308 (every part escaped above, as the template does)


class RankedRows(TableQuerysetData):
    """A table's rows from a ranked queryset of a bounded length (a search's best matches, at
    most a few thousand), read once as primary keys in rank order: the paginator's count and
    the page's rows come from that list. A plain queryset would run the ranking twice (COUNT,
    then the page's slice, each scoring every match); here the page's rows are read by primary
    key. Only for querysets whose length is bounded: the keys are held in memory."""

    def __init__(self, data: QuerySet[Any], keys: list[Any] | None = None) -> None:
        """`keys`: the ranking, when found already (`data` then only loads the rows)."""
        super().__init__(data)
        if keys is not None:
            self.keys = keys

    @cached_property
    def keys(self) -> list[Any]:
        return list(self.data.values_list("pk", flat=True))

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Any:
        return iter(self[:])

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, int):
            return self[key : key + 1][0] if key >= 0 else self[len(self) + key]
        wanted = self.keys[key]
        related = self._plain_related()
        if related is not None:
            by_key = instances_by_pk(self.data.model, wanted, related=related, using=self.data.db)
        else:
            # No ORDER BY: the rows are put in rank order here.
            by_key = {row.pk: row for row in self._by_key().filter(pk__in=wanted).order_by()}
        return [by_key[pk] for pk in wanted if pk in by_key]

    def _plain_related(self) -> tuple[str, ...] | None:
        """The ranked queryset's joined foreign keys when its rows can be read in one plain
        statement (core.db.instances_by_pk): one level of select_related, nothing deferred."""
        query = self.data.query
        select_related = query.select_related
        deferred, defer = query.deferred_loading
        if deferred or not defer:
            return None
        if select_related is False:
            related: tuple[str, ...] = ()
        elif isinstance(select_related, dict) and not any(select_related.values()):
            related = tuple(select_related)
        else:
            return None
        return related if reads_plainly(self.data.model, related) else None

    def _by_key(self) -> QuerySet[Any]:
        """The model's rows as the ranked queryset loads them (its joins and deferred fields),
        without its filters and ranking."""
        plain: QuerySet[Any] = self.data.model._default_manager.all()
        plain.query.select_related = self.data.query.select_related
        plain.query.deferred_loading = self.data.query.deferred_loading
        return plain
