"""Training data: listed companies' texts labelled with their CSRC industry code's division.

Label mapping: the CSRC listed-company industry classification (2012 guideline) uses the
GB/T 4754 sections and divisions, so a code like ``C39`` is section C, division ``39``; its
name is identical to the GB/T 4754-2017 division's (checked in the data's PROVENANCE.md). The
one exception, ``S91 综合`` (conglomerates), is no GB/T 4754-2017 division (there 91 is a
public-administration division), so those firms are left out of training.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from chainlead.analytics.errors import EmptyInputError, MissingColumnError

TEXT_FIELDS = ("full_name", "short_name", "main_business", "business_scope", "introduction")
PROFILES_FILE = "listed_profiles.csv"
CONGLOMERATE_CODE = "S91"
_CSRC_CODE = re.compile(r"^[A-S]\d{2}$")


def joined_text(frame: pd.DataFrame, fields: Iterable[str] = TEXT_FIELDS) -> list[str]:
    """Each row's text fields (those of `fields` the frame has) joined by spaces."""
    columns = [frame[f].fillna("").astype(str) for f in fields if f in frame.columns]
    if not columns:
        return [""] * len(frame)
    joined = columns[0]
    for column in columns[1:]:
        joined = joined + " " + column
    return [t.strip() for t in joined]


def division_from_csrc(code: str | None) -> str | None:
    """The GB/T 4754-2017 division (two digits) of a CSRC industry code, or None."""
    if code is None or not isinstance(code, str):
        return None
    code = code.strip().upper()
    if not _CSRC_CODE.match(code) or code == CONGLOMERATE_CODE:
        return None
    return code[1:]


def labelled_companies(companies_dir: Path) -> pd.DataFrame:
    """Listed companies with a division and some text: ``id``, ``division``, ``province``, texts."""
    path = companies_dir / PROFILES_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [
        c
        for c in ("stock_code", "province", "csrc_industry_code", *TEXT_FIELDS)
        if c not in frame.columns
    ]
    if missing:
        raise MissingColumnError(f"{path} lacks the columns {', '.join(missing)}")
    frame = frame.assign(division=frame["csrc_industry_code"].map(division_from_csrc))
    has_text = (frame["main_business"].str.strip() + frame["introduction"].str.strip()) != ""
    frame = frame[frame["division"].notna() & has_text]
    if frame.empty:
        raise EmptyInputError(f"{path} has no labelled company with text")
    return (
        frame.rename(columns={"stock_code": "id"})[["id", "division", "province", *TEXT_FIELDS]]
        .sort_values("id")
        .reset_index(drop=True)
    )


@dataclass(frozen=True)
class ProvinceSplit:
    """Training firms, held-out firms (same provinces) and the Zhejiang firms, disjoint."""

    train: pd.DataFrame
    held_out: pd.DataFrame
    zhejiang: pd.DataFrame


def split_by_province(
    rows: pd.DataFrame, *, held_out_share: float = 0.2, seed: int = 1, province: str = "浙江"
) -> ProvinceSplit:
    """Zhejiang apart; of the rest a seeded random ``held_out_share`` is held out."""
    in_province = rows["province"] == province
    others = rows[~in_province]
    held = np.random.default_rng(seed).random(len(others)) < held_out_share
    return ProvinceSplit(
        train=others[~held].reset_index(drop=True),
        held_out=others[held].reset_index(drop=True),
        zhejiang=rows[in_province].reset_index(drop=True),
    )
