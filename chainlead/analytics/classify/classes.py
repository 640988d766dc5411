"""Four-digit classes named in a firm's text, within its predicted division.

No labelled data carries classes, so this is a lexical rule, not a learned one: a class is
given only when the short text (names, main business, scope) contains the class's
distinctive name — the GB/T 4754-2017 class name without generic endings like 制造 or 服务
— and the longest such name wins. Unmatched firms get no class rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

_GENERIC_ENDINGS = ("制造", "加工", "生产", "服务", "批发", "零售", "活动", "业")
_MIN_KEYWORD_LENGTH = 2
_NOT_DISTINCTIVE = ("其他",)


def _keyword(name: str) -> str:
    keyword = name.strip()
    changed = True
    while changed:
        changed = False
        for ending in _GENERIC_ENDINGS:
            if keyword.endswith(ending) and len(keyword) > len(ending) + 1:
                keyword = keyword[: -len(ending)]
                changed = True
    return keyword


@dataclass(frozen=True)
class ClassLexicon:
    """Per division, (keyword, class code) pairs, longest keyword first."""

    keywords: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def from_industries(cls, path: Path) -> ClassLexicon:
        """From ``industries.csv`` (columns ``code, name_zh, level``) of GB/T 4754-2017."""
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        keywords: dict[str, list[tuple[str, str]]] = {}
        for code, name in table.loc[table["level"] == "class", ["code", "name_zh"]].itertuples(
            index=False
        ):
            keyword = _keyword(name)
            if len(keyword) < _MIN_KEYWORD_LENGTH or keyword.startswith(_NOT_DISTINCTIVE):
                continue
            keywords.setdefault(code[:2], []).append((keyword, code))
        for pairs in keywords.values():
            pairs.sort(key=lambda pair: (-len(pair[0]), pair[1]))
        return cls(keywords)

    def find(self, division: str, text: str) -> str | None:
        """The class of ``division`` whose keyword ``text`` contains (longest first), or None."""
        for keyword, code in self.keywords.get(division, ()):
            if keyword in text:
                return code
        return None
