"""Export any list to CSV or Excel. Every list page in chainlead offers both.

Usage (in a view)::

    from chainlead.core.export import export_response, wants_export

    COLUMNS = [
        (_("name"), "name"),                        # attribute
        (_("district"), "district.name"),           # dotted path; a missing link gives ""
        (_("size class"), choice_label(SizeClass)),  # a choice's label, translated once
        (_("revenue"), lambda e: e.revenue),        # any function of the row
    ]

    fmt = wants_export(request)          # "csv", "xlsx" or None, from ?export=
    if fmt:
        return export_response(queryset.iterator(chunk_size=2000), COLUMNS, "enterprises", fmt)

`export_response(rows, columns, filename, fmt)`:

- `rows`: any iterable of objects (model instances, dicts or tuples are all fine; for dicts the
  accessor is a key). Pass `queryset.iterator()` for large lists so rows are not all held in
  memory at once.
- `columns`: `[(header, accessor)]`; headers are translated at export time (pass lazy strings).
- `filename`: without extension; the date of the export is appended.
- `fmt`: `"csv"` (UTF-8 with a byte-order mark, so Excel shows Chinese correctly; streamed) or
  `"xlsx"` (openpyxl write-only workbook: rows are written to a temporary file as they come, then
  the file is streamed).

Prefer `choice_label(TextChoices)` to `"get_<field>_display"` for choice fields: Django's display
method rebuilds the choice table on every row, ten times slower on a large export.

Values: None is an empty cell, booleans become the translated "yes"/"no", dates and numbers stay
typed in Excel, aware datetimes are shown in the local time zone. Text that a spreadsheet would
run as a formula (starting with =, +, -, @) is prefixed with an apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

Accessor = str | Callable[[Any], Any]
Column = tuple[str | Promise, Accessor]

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wants_export(request: HttpRequest) -> str | None:
    """The export format asked for with `?export=csv|xlsx`, or None for the HTML page."""
    fmt = request.GET.get("export", "").lower()
    return fmt if fmt in FORMATS else None


def resolve(row: Any, accessor: Accessor) -> Any:
    """The value of `accessor` on `row`: a function, a dict key, or a dotted attribute path."""
    if callable(accessor):
        return accessor(row)
    if isinstance(row, dict):
        return row.get(accessor)
    value = row
    for part in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
        if callable(value) and not isinstance(value, type):
            value = value()
    return value


def choice_label(choices: Any, field: str | None = None) -> Callable[[Any], str]:
    """An accessor giving the label of a choice field (`TextChoices` class or (value, label)
    pairs), translated once per export. `field` defaults to the snake_case of the class name."""
    pairs = list(choices.choices if hasattr(choices, "choices") else choices)
    name = field or "".join(
        f"_{c.lower()}" if c.isupper() and i else c.lower()
        for i, c in enumerate(getattr(choices, "__name__", ""))
    )
    labels: dict[str, dict[Any, str]] = {}

    def accessor(row: Any) -> str:
        language = get_language() or ""
        table = labels.get(language)
        if table is None:
            table = labels[language] = {value: force_str(label) for value, label in pairs}
        value = resolve(row, name)
        return table.get(value, "" if value is None else force_str(value))

    return accessor


def _cell(value: Any, *, typed: bool, yes_no: tuple[str, str] = ("yes", "no")) -> Any:
    """A value as a spreadsheet cell: typed (for Excel) or text (for CSV)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value if typed else value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value if typed else value.isoformat()
    if isinstance(value, int | float | Decimal):
        return value if typed else str(value)
    return neutralise_formula(force_str(value))


def neutralise_formula(text: str) -> str:
    """`text` as a spreadsheet shows it literally: a leading `'` before what would start a
    formula (`=`, `+`, `-`, `@`, tab, CR), so a cell never runs what a user typed."""
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _table(rows: Iterable[Any], columns: Sequence[Column], *, typed: bool) -> Iterator[list[Any]]:
    yield [force_str(header) for header, _accessor in columns]
    yes_no = (_("yes"), _("no"))  # translated once, not per cell
    accessors = [accessor for _header, accessor in columns]
    for row in rows:
        yield [_cell(resolve(row, a), typed=typed, yes_no=yes_no) for a in accessors]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()  # the BOM makes Excel read the file as UTF-8
    for line in _table(rows, columns, typed=False):
        yield writer.writerow(line).encode("utf-8")


def _xlsx_file(rows: Iterable[Any], columns: Sequence[Column], title: str) -> Any:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "export")
    bold = Font(bold=True)
    table = _table(rows, columns, typed=True)
    header = []
    for text in next(table):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for line in table:
        ws.append(line)
    fh = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    wb.save(fh)
    fh.seek(0)
    return fh


def export_filename(filename: str, fmt: str, *, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{filename}-{today:%Y%m%d}.{fmt}"


def export_response(
    rows: Iterable[Any],
    columns: Sequence[Column],
    filename: str,
    fmt: str,
) -> StreamingHttpResponse | FileResponse:
    """A download of `rows` in `fmt` ("csv" or "xlsx"); see the module docstring."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format: {fmt!r}")
    name = export_filename(filename, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(rows, columns), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    fh = _xlsx_file(rows, columns, title=filename)
    return FileResponse(fh, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])
