"""The chain templates that ship with chainlead: one JSON file per chain (chains are data).

Each file holds the chain (slug, name, name_en, order, description in Chinese, description_en)
and its segments from upstream to downstream (slug, name, name_en, industry_codes, keywords).
Industry codes are GB/T 4754-2017
codes of any level; a test checks every one against the reference table. Links default to the
chain order (each segment feeds the next) unless the file lists `links` as [upstream, downstream]
slug pairs.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEMPLATES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SegmentTemplate:
    slug: str
    name: str
    name_en: str
    order: int
    industry_codes: tuple[str, ...]
    keywords: tuple[str, ...]
    description: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class ChainTemplate:
    slug: str
    name: str
    name_en: str
    order: int
    description: str
    description_en: str
    segments: tuple[SegmentTemplate, ...]
    links: tuple[tuple[str, str], ...]


def _parse(data: dict[str, Any]) -> ChainTemplate:
    segments = tuple(
        SegmentTemplate(
            slug=s["slug"],
            name=s["name"],
            name_en=s.get("name_en", ""),
            order=position,
            industry_codes=tuple(s.get("industry_codes", ())),
            keywords=tuple(s.get("keywords", ())),
            description=s.get("description", ""),
            description_en=s.get("description_en", ""),
        )
        for position, s in enumerate(data["segments"], start=1)
    )
    if "links" in data:
        links = tuple((up, down) for up, down in data["links"])
    else:
        links = tuple((a.slug, b.slug) for a, b in itertools.pairwise(segments))
    return ChainTemplate(
        slug=data["slug"],
        name=data["name"],
        name_en=data.get("name_en", ""),
        order=int(data.get("order", 0)),
        description=data.get("description", ""),
        description_en=data.get("description_en", ""),
        segments=segments,
        links=links,
    )


def template_list() -> list[ChainTemplate]:
    """Every shipped template, in display order."""
    templates = [
        _parse(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(TEMPLATES_DIR.glob("*.json"))
    ]
    return sorted(templates, key=lambda t: (t.order, t.slug))


def template_get(slug: str) -> ChainTemplate:
    for template in template_list():
        if template.slug == slug:
            return template
    raise KeyError(slug)
