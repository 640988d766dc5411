"""Validators shared by every app's models, forms and API schemas (issue 9: MLPS level 3).

- `validate_web_urls`: a list of web addresses (`" ; "`-separated), http or https only, so
  a stored `javascript:` or `data:` link never reaches a page (stored XSS).
- `validate_visible_text`: no Unicode bidirectional controls and no zero-width characters in
  names, which make a name read differently from what it is (“Trojan Source”, spoofed firms).
- `EARLIEST_DATE`, `LATEST_DATE`: the dates a period may name.
- `free_text_max_length()`: the bound of free-text fields (a 10 MB description rendered a
  20 MB page), `CHAINLEAD_FREE_TEXT_MAX_LENGTH` (default `FREE_TEXT_MAX_LENGTH`); held by
  the API schemas (`FreeText`) and by every model's text fields (`bound_free_text`, at start-up:
  `full_clean()` in the services, model forms and the admin refuse a longer text).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator

FREE_TEXT_MAX_LENGTH = 10_000
# The dates a record or a period of the platform may name: beyond them a day's start or its
# next day overflows Python's datetime (9999-12-31 + 1 day), a 5xx (issue 9 item 8).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
URL_SEPARATOR = " ; "

# Text fields the platform writes itself, not people: import reports, search documents, run
# messages, the audit log. Free text is bounded to keep pages small; these are not shown whole.
UNBOUNDED_TEXT_FIELDS = frozenset(
    {
        "audit.AuditEntry.message",
        "registry.ImportJob.message",
        "registry.EnterpriseSearch.document",
        "commissioners.MatchingRun.message",
    }
)


def free_text_max_length() -> int:
    """Characters a free-text field may hold (read at each check, not at import)."""
    return int(getattr(settings, "CHAINLEAD_FREE_TEXT_MAX_LENGTH", FREE_TEXT_MAX_LENGTH))


@deconstructible
class FreeTextLengthValidator:
    """At most `free_text_max_length()` characters; the message names the field, so it reads
    right on a page that shows it apart from its field."""

    message = _("%(field)s: at most %(limit)d characters (it has %(length)d).")
    code = "max_length"

    def __init__(self, field: str = "") -> None:
        self.field = field

    def __call__(self, value: str) -> None:
        limit = free_text_max_length()
        if value is not None and len(value) > limit:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"field": self.field, "limit": limit, "length": len(value)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FreeTextLengthValidator) and other.field == self.field

    def __hash__(self) -> int:
        return hash((type(self), self.field))


def bound_free_text() -> None:
    """Give every text field of the platform's models the free-text bound (CoreConfig.ready).

    Added to the field's validators as they run, not to its definition, so no migration is
    needed and one setting governs them all; model forms and the admin show the error on the
    field, services' `full_clean()` name it."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        if not model.__module__.startswith("chainlead."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField):
                continue
            if f"{model._meta.label}.{field.name}" in UNBOUNDED_TEXT_FIELDS:
                continue
            validators = field.validators  # the list the field runs (cached on the field)
            if not any(isinstance(v, FreeTextLengthValidator) for v in validators):
                validators.append(FreeTextLengthValidator(str(field.verbose_name)))


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


def check_free_text(value: str) -> str:
    """For pydantic validators of API schemas: `value`, or ValueError over the bound."""
    limit = free_text_max_length()
    if len(value) > limit:
        raise ValueError(f"At most {limit} characters (this has {len(value)}).")
    return value


def check_no_nul(value: str) -> str:
    """For pydantic validators of API schemas: `value`, or ValueError without a NUL."""
    if "\x00" in value:
        raise ValueError("Remove the NUL character (PostgreSQL text cannot hold one).")
    return value


# String types of the API schemas: every text refuses NUL; free text is bounded; names refuse
# bidi controls and zero-width characters too.
Text = Annotated[str, AfterValidator(check_no_nul)]
FreeText = Annotated[str, AfterValidator(check_no_nul), AfterValidator(check_free_text)]
Name = Annotated[str, AfterValidator(check_no_nul), AfterValidator(check_visible)]
