"""Reading an import file's rows: CSV in UTF-8 or GB18030, or the first sheet of a workbook."""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
