"""Validators shared by every app's models, forms and API schemas (issue 9: MLPS level 3).

- `validate_web_urls`: a list of web addresses (`" ; "`-separated), http or https only, so
  a stored `javascript:` or `data:` link never reaches a page (stored XSS).
- `validate_visible_text`: no Unicode bidirectional controls and no zero-width characters in
  names, which make a name read differently from what it is (“Trojan Source”, spoofed firms).
- `EARLIEST_DATE`, `LATEST_DATE`: the dates a period may name.
- `FREE_TEXT_MAX_LENGTH`: the bound of free-text fields (a 10 MB description renders a
  20 MB page).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, StringConstraints

FREE_TEXT_MAX_LENGTH = 10_000
# The dates a record or a period of the platform may name: beyond them a day's start or its
# next day overflows Python's datetime (9999-12-31 + 1 day), a 5xx (issue 9 item 8).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
URL_SEPARATOR = " ; "

# Unicode bidi controls (UAX #9: embeddings, overrides, isolates, marks) and zero-width
# characters (space, non-joiner, joiner, word joiner, BOM / zero-width no-break space).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
INVISIBLE = BIDI_CONTROLS | ZERO_WIDTH

_web_url = URLValidator(schemes=["http", "https"])


def split_urls(value: str) -> list[str]:
    return [part.strip() for part in value.split(URL_SEPARATOR) if part.strip()]


def is_web_url(value: str) -> bool:
    try:
        _web_url(value)
    except ValidationError:
        return False
    return True


@deconstructible
class WebUrlsValidator:
    """Every address of a `" ; "`-separated list is an http(s) URL."""

    message = _("Give web addresses (http:// or https://), separated by “ ; ”: %(url)s")
    code = "invalid_url"

    def __call__(self, value: str) -> None:
        for url in split_urls(value or ""):
            if not is_web_url(url):
                raise ValidationError(self.message, code=self.code, params={"url": url[:100]})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WebUrlsValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_web_urls = WebUrlsValidator()


def invisible_characters(value: str) -> list[str]:
    """The bidi controls and zero-width characters in `value`, as U+XXXX."""
    return sorted({f"U+{ord(c):04X}" for c in value if c in INVISIBLE})


@deconstructible
class VisibleTextValidator:
    """No bidi controls or zero-width characters (names must read as what they are)."""

    message = _("Remove the invisible control characters (%(chars)s).")
    code = "invisible_characters"

    def __call__(self, value: str) -> None:
        found = invisible_characters(value or "")
        if found:
            raise ValidationError(self.message, code=self.code, params={"chars": ", ".join(found)})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VisibleTextValidator)

    def __hash__(self) -> int:
        return hash(type(self))


validate_visible_text = VisibleTextValidator()


def check_visible(value: str) -> str:
    """For pydantic validators of API schemas: `value`, or ValueError with the reason."""
    found = invisible_characters(value or "")
    if found:
        raise ValueError(f"Remove the invisible control characters ({', '.join(found)}).")
    return value


def check_web_urls(value: str) -> str:
    """For pydantic validators of API schemas: `value`, or ValueError with the reason."""
    for url in split_urls(value or ""):
        if not is_web_url(url):
            raise ValueError(f"Give web addresses (http:// or https://): {url[:100]}")
    return value


def check_no_nul(value: str) -> str:
    """For pydantic validators of API schemas: `value`, or ValueError without a NUL."""
    if "\x00" in value:
        raise ValueError("Remove the NUL character (PostgreSQL text cannot hold one).")
    return value


# String types of the API schemas: every text refuses NUL; free text is bounded; names refuse
# bidi controls and zero-width characters too.
Text = Annotated[str, AfterValidator(check_no_nul)]
FreeText = Annotated[
    str, StringConstraints(max_length=FREE_TEXT_MAX_LENGTH), AfterValidator(check_no_nul)
]
Name = Annotated[str, AfterValidator(check_no_nul), AfterValidator(check_visible)]
