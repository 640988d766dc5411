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
    """Per division, (keyword, class code) pairs, longest keyword first; and each class's text.

    ``documents`` holds every class's (code, name, explanation) as the standard writes them:
    the full model learns from them as extra labelled texts (``model.standard_rows``).
    """

    keywords: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    documents: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def from_industries(cls, path: Path) -> ClassLexicon:
        """From ``industries.csv`` (columns ``code, name_zh, level``) of GB/T 4754-2017."""
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        classes = table.loc[table["level"] == "class"]
        if "note_zh" not in classes.columns:
            classes = classes.assign(note_zh="")
        keywords: dict[str, list[tuple[str, str]]] = {}
        for code, name in classes[["code", "name_zh"]].itertuples(index=False):
            keyword = _keyword(name)
            if len(keyword) < _MIN_KEYWORD_LENGTH or keyword.startswith(_NOT_DISTINCTIVE):
                continue
            keywords.setdefault(code[:2], []).append((keyword, code))
        for pairs in keywords.values():
            pairs.sort(key=lambda pair: (-len(pair[0]), pair[1]))
        documents = tuple(
            (str(code), str(name), str(note))
            for code, name, note in classes[["code", "name_zh", "note_zh"]].itertuples(index=False)
        )
        return cls(keywords, documents)

    def find(self, division: str, text: str) -> str | None:
        """The class of ``division`` whose keyword ``text`` contains (longest first), or None."""
        for keyword, code in self.keywords.get(division, ()):
            if keyword in text:
                return code
        return None
