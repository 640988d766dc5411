"""Reading an import file's rows: CSV in UTF-8 or GB18030, or the first sheet of a workbook."""

from __future__ import annotations

import codecs
import csv
import hashlib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from chainlead.core.reasons import Reason
from chainlead.registry.importers.format import ImportFileError, RowError


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
                [
                    RowError(
                        0,
                        "file",
                        Reason(
                            gettext_noop("cannot be decoded as UTF-8 or GB18030 (%(why)s)"),
                            why=exc.reason,
                        ),
                    )
                ]
            ) from exc
        except csv.Error as exc:
            invalid = Reason(gettext_noop("is not valid CSV (%(why)s)"), why=str(exc))
            raise ImportFileError([RowError(0, "file", invalid)]) from exc


# Limits on a workbook, checked before and while it is read (issue 9 item 13: a workbook of a
# few KB that unpacks to hundreds of MB, or pads every row to Excel's 16,384 columns, cost
# ~560 MB or ~22 s). Settings may lower or raise them; the import format has 15 columns.
MAX_UNPACKED_MB = 256  # CHAINLEAD_IMPORT_MAX_UNPACKED_MB: all the workbook's parts, unpacked
MAX_COLUMNS = 100  # CHAINLEAD_IMPORT_MAX_COLUMNS
MAX_ROWS = 1_048_576  # CHAINLEAD_IMPORT_MAX_ROWS: Excel's own limit, header included


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, f"CHAINLEAD_IMPORT_{name}", default))


def _file_error(reason: str, row: int = 0, field: str = "file") -> ImportFileError:
    return ImportFileError([RowError(row, field, reason)])


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than the limit, before reading any.

    The sizes are the ones the zip declares; Python's zipfile never inflates an entry past its
    declared size (it fails the CRC check instead), so a lying header cannot get round this.
    """
    limit_mb = _limit("MAX_UNPACKED_MB", MAX_UNPACKED_MB)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _file_error(
            Reason(gettext_noop("is not a readable Excel file (%(why)s)"), why=str(exc))
        ) from exc
    if unpacked > limit_mb << 20:
        raise _file_error(
            Reason(
                gettext_noop("unpacks to %(mb)d MB, over the limit of %(limit)d MB for a workbook"),
                mb=-(-unpacked >> 20),
                limit=limit_mb,
            )
        )


def _xlsx_rows(path: Path) -> tuple[Iterator[list[Any]], int | None]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    _check_unpacked_size(path)
    max_columns = _limit("MAX_COLUMNS", MAX_COLUMNS)
    max_rows = _limit("MAX_ROWS", MAX_ROWS)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise _file_error(
            Reason(gettext_noop("is not a readable Excel file (%(why)s)"), why=str(exc))
        ) from exc
    sheet = workbook.worksheets[0]
    # The dimension the sheet declares (absent in some writers' files; then the rows decide).
    declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    if declared_columns > max_columns or declared_rows > max_rows:
        workbook.close()
        raise _file_error(
            Reason(
                gettext_noop(
                    "declares %(rows)d rows and %(columns)d columns; the limit is "
                    "%(max_rows)d rows and %(max_columns)d columns"
                ),
                rows=declared_rows,
                columns=declared_columns,
                max_rows=max_rows,
                max_columns=max_columns,
            )
        )
    total = (declared_rows - 1) if declared_rows else None
    beyond = Reason(
        gettext_noop("has cells beyond column %(n)d (%(letter)s), the limit of the import"),
        n=max_columns,
        letter=get_column_letter(max_columns),
    )

    def rows() -> Iterator[list[Any]]:
        try:
            # Without a declared dimension a row is as wide as its last cell; one past the
            # limit is refused before anything walks its (padded) cells.
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if line > max_rows:
                    raise _file_error(
                        Reason(
                            gettext_noop("has more than %(n)d rows, the limit of the import"),
                            n=max_rows,
                        )
                    )
                if len(values) > max_columns:
                    raise _file_error(beyond, line, "row")
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
        [
            RowError(
                0,
                "file",
                Reason(
                    gettext_noop("unsupported file type %(suffix)s: use .csv or .xlsx"),
                    suffix=repr(suffix),
                ),
            )
        ]
    )
