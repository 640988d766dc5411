"""Text normalisation for search: Traditional and Simplified Chinese compare equal."""

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
