"""A synthetic but realistic registry, for demos, tests and benchmarks (`chainlead generate`).

Every generated firm is marked `provenance="synthetic"` with a source note, so synthetic firms
are never mistaken for real ones. Output is a deterministic function of the seed (and, in the
database, of the chains present). Firms are made in batches, so memory stays constant.

Shapes, chosen to look like a Chinese provincial capital's registry:
- industries: GB/T 4754-2017 classes, concentrated in the divisions such a city actually has
  (electronics, software, equipment, pharmaceuticals, wholesale, technical services...), and,
  when chains exist, a share of firms in the chains' segments;
- size classes mostly micro and small; revenue log-normal within a class, with a Pareto tail
  for large firms (a few firms hold most of the revenue, as in real registries);
- R&D spend a Beta-distributed share of revenue, higher in technology divisions;
- three years of indicators per firm, back-cast with log-normal growth.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from django.conf import settings

from chainlead.registry.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

INDICATOR_YEARS = (2022, 2023, 2024)  # fixed, so output does not depend on today's date
SOURCE_NOTE = "synthetic (chainlead generate)"
BATCH_SIZE = 2000

# Relative weight of each GB/T division among firms (a Hangzhou-like economy).
DIVISION_WEIGHTS: dict[str, float] = {
    "65": 14,  # software and IT services
    "39": 10,  # computers, communication and other electronic equipment
    "51": 8,  # wholesale
    "64": 6,  # internet services
    "34": 6,  # general equipment
    "35": 6,  # special equipment
    "38": 6,  # electrical machinery
    "72": 5,  # business services
    "75": 5,  # technology promotion
    "52": 4,  # retail
    "17": 3,  # textiles
    "27": 3,  # pharmaceuticals
    "26": 3,  # chemicals
    "33": 3,  # metal products
    "36": 3,  # automobiles
    "40": 3,  # instruments
    "73": 3,  # research and experimental development
    "74": 3,  # professional technical services
    "18": 2,  # apparel
    "29": 2,  # rubber and plastics
    "70": 2,  # real estate
    "13": 1,
    "14": 1,
    "30": 1,
    "32": 1,
    "44": 1,
    "48": 1,
    "54": 1,
    "59": 1,
    "63": 1,
    "84": 1,
}
TECH_DIVISIONS = {"26", "27", "35", "38", "39", "40", "63", "64", "65", "73", "75"}
NAME_WORDS = list(
    "华恒泰瑞鑫达润盛博创宏源信诚安康嘉禾明德远航天成星辰海纳智云中正和兴永丰启新汇通"
    "众合锦绣凯旋睿思优联同辉东方正元广合银河未来光启卓越弘毅清源致远晨曦"
)
DIVISION_SUFFIX = {
    "65": "科技",
    "64": "网络科技",
    "63": "通信",
    "39": "电子",
    "34": "机械",
    "35": "智能装备",
    "38": "电气",
    "40": "仪器",
    "27": "生物医药",
    "26": "新材料",
    "29": "塑胶",
    "33": "金属制品",
    "36": "汽车零部件",
    "17": "纺织",
    "18": "服饰",
    "51": "贸易",
    "52": "商贸",
    "72": "企业管理",
    "73": "研究院",
    "74": "技术服务",
    "75": "科技",
    "70": "置业",
    "44": "能源",
    "48": "建设",
    "54": "物流",
    "59": "仓储",
    "13": "食品",
    "14": "食品",
    "84": "医疗",
}
ORIGIN_PLACES = [
    "上海",
    "北京",
    "深圳",
    "南京",
    "苏州",
    "广州",
    "成都",
    "美国波士顿",
    "美国硅谷",
    "新加坡",
    "德国慕尼黑",
    "日本东京",
    "香港",
    "以色列特拉维夫",
]
SIZE_CLASSES = ("micro", "small", "medium", "large")
SIZE_P = (0.55, 0.30, 0.12, 0.03)
# Revenue (万元): median and log-sd per size class; large firms get a Pareto tail instead.
REVENUE_MEDIAN = (150.0, 1500.0, 15000.0)
REVENUE_SIGMA = (0.8, 0.7, 0.6)
LARGE_REVENUE_MIN = 40000.0
LARGE_PARETO_ALPHA = 1.3
EMPLOYEES_MEDIAN = (6.0, 40.0, 300.0, 2000.0)
ABOVE_DESIGNATED_REVENUE = 2000.0  # 万元: the 规上 threshold for industrial firms
CENT = Decimal("0.01")
SCOPE_TAIL = "相关产品的研发、生产、销售；技术咨询、技术服务。"


@dataclass(frozen=True)
class IndustryPool:
    """The classes firms are drawn from, with weights, and each class's division name."""

    codes: list[str]
    weights: np.ndarray
    names: dict[str, str]
    segment_codes: list[str]  # classes matching some segment (empty without chains)


def _reference_industries() -> tuple[list[str], dict[str, str]]:
    from chainlead.registry.reference_data import INDUSTRIES_FILE

    classes: list[str] = []
    names: dict[str, str] = {}
    with INDUSTRIES_FILE.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names[row["code"]] = row["name_zh"]
            if row["level"] == "class":
                classes.append(row["code"])
    return classes, names


def industry_pool(segment_prefixes: list[str]) -> IndustryPool:
    classes, names = _reference_industries()
    codes = [c for c in classes if c[:2] in DIVISION_WEIGHTS]
    per_division: dict[str, int] = {}
    for code in codes:
        per_division[code[:2]] = per_division.get(code[:2], 0) + 1
    weights = np.array([DIVISION_WEIGHTS[c[:2]] / per_division[c[:2]] for c in codes])
    prefixes = tuple(p for p in segment_prefixes if p)
    segment_codes = [c for c in classes if prefixes and c.startswith(prefixes)]
    return IndustryPool(codes, weights / weights.sum(), names, segment_codes)


def district_rows(*, from_db: bool = True) -> list[tuple[str, str]]:
    """(code, Chinese name) of the city's districts: from the database, else the city's file
    (the file that `setup-city` loads, so a CSV needs no database and matches it)."""
    if from_db:
        from chainlead.registry.models import District

        rows = list(District.objects.order_by("code").values_list("code", "name"))
        if rows:
            return rows
    from chainlead.registry.reference_data import REFERENCE_DIR

    path = Path(settings.CHAINLEAD_DISTRICTS_FILE)
    if not path.exists():
        path = REFERENCE_DIR / "hangzhou_districts.csv"
    with path.open(encoding="utf-8-sig") as fh:
        return [(r["code"], r["name_zh"]) for r in csv.DictReader(fh)]


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_MODULUS = 31**8


def _org_check(body: str) -> str:
    """GB 11714's check character of an 8-character organisation code body."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return "X" if value == 10 else ("0" if value == 11 else str(value))


def synthetic_credit_code(index: int, district_code: str, seed: int) -> str:
    """A valid, unique-per-index credit code: 9 (registered by market regulation) 1 (company),
    the district's division code, an organisation code, and the GB 32100 check character."""
    # (a·i + b) mod 31^8 with a coprime to 31 is a bijection: distinct indexes, distinct codes.
    value = (1_000_003 * index + 7_919 * (seed + 1)) % _MODULUS
    chars = []
    for _ in range(8):
        value, digit = divmod(value, 31)
        chars.append(CREDIT_CODE_ALPHABET[digit])
    body = "".join(reversed(chars))
    first17 = f"91{district_code}{body}{_org_check(body)}"
    return first17 + credit_code_check_char(first17)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def generate_rows(
    n: int, *, seed: int, pool: IndustryPool, districts: list[tuple[str, str]], start: int = 0
) -> Iterator[list[dict[str, Any]]]:
    """Batches of firm dicts (import-format fields plus `indicators`), deterministic in `seed`."""
    rng = np.random.default_rng(seed)
    district_p = np.linspace(2.0, 1.0, len(districts))
    district_p /= district_p.sum()
    segment_share = 0.35 if pool.segment_codes else 0.0
    done = 0
    while done < n:
        size = min(BATCH_SIZE, n - done)
        d_idx = rng.choice(len(districts), size=size, p=district_p)
        ind_idx = rng.choice(len(pool.codes), size=size, p=pool.weights)
        in_segment = rng.random(size) < segment_share
        seg_idx = rng.integers(0, max(len(pool.segment_codes), 1), size=size)
        size_idx = rng.choice(4, size=size, p=SIZE_P)
        normal = rng.standard_normal(size)
        pareto = rng.pareto(LARGE_PARETO_ALPHA, size=size)
        emp_normal = rng.standard_normal(size)
        rd_share = rng.beta(1.5, 40.0, size=size)
        founded_age = rng.gamma(2.0, 5.0, size=size)
        founded_day = rng.integers(0, 365, size=size)
        attracted = rng.random(size) < 0.08
        place_idx = rng.integers(0, len(ORIGIN_PLACES), size=size)
        listed_draw = rng.random(size)
        name_idx = rng.integers(0, len(NAME_WORDS), size=(size, 2))
        growth = rng.normal(0.08, 0.15, size=(size, len(INDICATOR_YEARS)))
        patents_draw = rng.random(size)
        tax_rate = rng.uniform(0.02, 0.06, size=size)
        batch: list[dict[str, Any]] = []
        for k in range(size):
            index = start + done + k
            district_code, district_name = districts[d_idx[k]]
            code = pool.segment_codes[seg_idx[k]] if in_segment[k] else pool.codes[ind_idx[k]]
            division = code[:2]
            s = size_idx[k]
            if s == 3:
                revenue = LARGE_REVENUE_MIN * (1.0 + pareto[k])
            else:
                revenue = REVENUE_MEDIAN[s] * float(np.exp(REVENUE_SIGMA[s] * normal[k]))
            employees = max(1, int(EMPLOYEES_MEDIAN[s] * float(np.exp(0.5 * emp_normal[k]))))
            share = rd_share[k] * (2.5 if division in TECH_DIVISIONS else 1.0)
            rd = revenue * min(share, 0.6)
            age_days = int(founded_age[k] * 365.25) + int(founded_day[k])
            founded = dt.date(2024, 12, 31) - dt.timedelta(days=min(age_days, 45 * 365))
            is_attracted = bool(attracted[k])
            landed = None
            if is_attracted:
                landed = founded + dt.timedelta(days=int((dt.date(2025, 6, 30) - founded).days / 2))
            industrial = "13" <= division <= "46"
            district_short = district_name.rstrip("区县市")
            name = (
                f"{'杭州' if index % 3 else district_short}"
                f"{NAME_WORDS[name_idx[k, 0]]}{NAME_WORDS[name_idx[k, 1]]}"
                f"{DIVISION_SUFFIX.get(division, '实业')}有限公司"
            )
            indicators = []
            value = revenue
            for j, year in enumerate(reversed(INDICATOR_YEARS)):
                if year < founded.year:
                    break
                indicators.append(
                    {
                        "year": year,
                        "revenue": _money(value),
                        "rd_spend": _money(value * min(share, 0.6)),
                        "employees": employees,
                        "patents": int(patents_draw[k] * rd / 150.0),
                        "tax": _money(value * tax_rate[k]),
                    }
                )
                value /= float(np.exp(growth[k, j]))
            batch.append(
                {
                    "credit_code": synthetic_credit_code(index, district_code, seed),
                    "name": name,
                    "district": district_name,
                    "industry_code": code,
                    "founded": founded,
                    "size_class": SIZE_CLASSES[s],
                    "above_designated_size": bool(
                        industrial and revenue >= ABOVE_DESIGNATED_REVENUE
                    ),
                    "employees": employees,
                    "revenue": _money(revenue),
                    "rd_spend": _money(rd),
                    "business_scope": f"{pool.names.get(code, '')}{SCOPE_TAIL}",
                    "listed": bool(s == 3 and listed_draw[k] < 0.15),
                    "origin": "attracted" if is_attracted else "local",
                    "origin_place": ORIGIN_PLACES[place_idx[k]] if is_attracted else "",
                    "landed_on": landed,
                    "indicators": indicators,
                }
            )
        done += size
        yield batch


def write_csv(
    out: TextIO,
    n: int,
    *,
    seed: int,
    chinese_headers: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write `n` synthetic firms in the import format, streaming."""
    from chainlead.registry.importers import CHINESE_HEADERS, ENGLISH_HEADERS

    pool = industry_pool([])
    districts = district_rows(from_db=False)
    writer = csv.writer(out, lineterminator="\n")
    # Generated firms are not listed: the file leaves out the stock code column.
    columns = [i for i, c in enumerate(ENGLISH_HEADERS) if c != "stock_code"]
    headers = CHINESE_HEADERS if chinese_headers else ENGLISH_HEADERS
    writer.writerow([headers[i] for i in columns])
    written = 0
    for batch in generate_rows(n, seed=seed, pool=pool, districts=districts):
        for row in batch:
            writer.writerow(
                [
                    ""
                    if row[c] is None
                    else (("yes" if row[c] else "no") if isinstance(row[c], bool) else row[c])
                    for c in (ENGLISH_HEADERS[i] for i in columns)
                ]
            )
        written += len(batch)
        if progress is not None:
            progress(len(batch))
    return written
