"""Read firms' texts from a CSV (UTF-8, UTF-8 with BOM or GB18030) or Excel file, in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from chainlead.analytics.classify.data import TEXT_FIELDS
from chainlead.analytics.errors import AnalyticsError, EmptyInputError, MissingColumnError

# English names and the Chinese headers a registry or exchange export uses (cf. the enterprise
# import's 企业名称 / 经营范围 / 统一社会信用代码).
HEADER_ALIASES: dict[str, str] = {
    "stock_code": "id", "id": "id", "股票代码": "id", "证券代码": "id", "代码": "id",
    "credit_code": "id", "统一社会信用代码": "id", "编号": "id",
    "full_name": "full_name", "name": "full_name", "企业名称": "full_name",
    "公司名称": "full_name", "公司全称": "full_name",
    "short_name": "short_name", "简称": "short_name", "证券简称": "short_name",
    "公司简称": "short_name",
    "main_business": "main_business", "主营业务": "main_business", "主要业务": "main_business",
    "business_scope": "business_scope", "经营范围": "business_scope",
    "introduction": "introduction", "公司简介": "introduction", "简介": "introduction",
}  # fmt: skip
ENCODINGS = ("utf-8-sig", "gb18030")


class FirmFileError(AnalyticsError):
    """The firms' file cannot be read: its type, encoding, headers or emptiness."""


def _columns(header: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for raw in header:
        name = HEADER_ALIASES.get(str(raw).strip().lstrip("\ufeff").strip().lower()) or (
            HEADER_ALIASES.get(str(raw).strip().lstrip("\ufeff").strip())
        )
        if name and name not in mapping.values():
            mapping[str(raw)] = name
    if "id" not in mapping.values():
        raise MissingColumnError("missing column: stock_code (or id)", code="no_id_column")
    if not set(TEXT_FIELDS) & set(mapping.values()):
        columns = ", ".join(TEXT_FIELDS)
        raise MissingColumnError(
            f"missing columns: none of {columns}", code="no_text_column", columns=columns
        )
    return mapping


def _encoding(path: Path) -> str:
    for encoding in ENCODINGS:
        try:
            with path.open(encoding=encoding) as handle:
                while handle.read(1 << 20):
                    pass
        except UnicodeDecodeError:
            continue
        return encoding
    raise FirmFileError(
        f"{path.name}: not UTF-8 (with or without BOM) nor GB18030 text",
        code="encoding",
        file=path.name,
    )


def _normalised(chunk: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    chunk = chunk[list(mapping)].rename(columns=mapping).fillna("").astype(str)
    for column in ("id", *TEXT_FIELDS):
        if column not in chunk.columns:
            chunk[column] = ""
    return chunk[["id", *TEXT_FIELDS]]


def firm_chunks(path: Path, *, chunk_rows: int = 20_000) -> Iterator[pd.DataFrame]:
    """Chunks with the columns ``id`` and :data:`TEXT_FIELDS` (empty strings where absent)."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        frames: Iterator[pd.DataFrame] = iter([pd.read_excel(path, dtype=str, engine="openpyxl")])
    elif suffix in {".csv", ".txt", ""}:
        encoding = _encoding(path)
        try:
            frames = pd.read_csv(
                path, dtype=str, encoding=encoding, keep_default_na=False, chunksize=chunk_rows
            )
        except pd.errors.EmptyDataError as error:
            raise EmptyInputError(
                f"{path.name}: the file is empty", code="empty", file=path.name
            ) from error
    else:
        raise FirmFileError(
            f"{path.name}: unsupported file type {suffix!r}; use .csv or .xlsx",
            code="file_type",
            file=path.name,
            suffix=repr(suffix),
        )
    mapping: dict[str, str] | None = None
    seen = 0
    for frame in frames:
        if mapping is None:
            mapping = _columns([str(c) for c in frame.columns])
        for start in range(0, len(frame), chunk_rows):
            chunk = frame.iloc[start : start + chunk_rows]
            seen += len(chunk)
            yield _normalised(chunk, mapping)
    if seen == 0:
        if mapping is None:
            raise EmptyInputError(f"{path.name}: the file is empty", code="empty", file=path.name)
        raise EmptyInputError(
            f"{path.name}: the file has a header but no firms", code="no_firms", file=path.name
        )
