"""Text helpers: search keys (Traditional and Simplified Chinese compare equal) and the width
of Chinese text in a terminal."""

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_converter().convert(text))


def search_key(text: str) -> str:
    """Simplified, case-folded, whitespace-free form of `text` used as a search key."""
    return "".join(to_simplified(text or "").casefold().split())


def text_width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - text_width(text))
    return gap + text if right else text + gap


def join_list(items: Iterable[object]) -> str:
    """Items joined as the reader's language lists them: 、 in Chinese, a comma in English."""
    from django.utils.translation import get_language

    separator = "、" if (get_language() or "zh-hans").startswith("zh") else ", "
    return separator.join(str(item) for item in items)


def localized(chinese: str, english: str) -> str:
    """The English form when the reader reads English and one exists; else the Chinese."""
    from django.utils.translation import get_language

    return english if english and (get_language() or "").startswith("en") else chinese
