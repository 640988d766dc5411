"""Parsing and validating one cell of the import format against the reference tables."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext_noop

from chainlead.core.choices import choice_key, choice_labels
from chainlead.core.reasons import Reason
from chainlead.registry.choices import Origin, SizeClass
from chainlead.registry.models import District, Industry
from chainlead.registry.validators import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    credit_code_error,
)

_TRUE = {"yes", "y", "true", "1", "是", "t"}
_FALSE = {"no", "n", "false", "0", "否", "f"}
# Words in use for a choice besides its code and its labels in either language, which
# `core.choices` accepts anyway ("本地成长", "grown locally", "中型", "medium").
_ORIGIN_ALIASES = {"本地": Origin.LOCAL.value}
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug absorbed)
_CENT = Decimal("0.01")
_MAX_MONEY = Decimal("1e16")  # max_digits=18 with 2 decimal places


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    Reason(gettext_noop("%(value)s is not a real date"), value=repr(text))
                ) from None
        match = _DATE_RE.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise ValueError(
                    Reason(gettext_noop("%(value)s is not a real date"), value=repr(text))
                ) from None
        if text.isdigit() and len(text) <= 5:
            serial = int(text)
        else:
            raise ValueError(
                Reason(
                    gettext_noop("%(value)s is not a date (use YYYY-MM-DD or YYYY/M/D)"),
                    value=repr(text),
                )
            )
    if not 1 <= serial <= 2958465:
        raise ValueError(Reason(gettext_noop("%(value)s is not an Excel date"), value=repr(value)))
    return _EXCEL_EPOCH + dt.timedelta(days=serial)


def parse_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(Reason(gettext_noop("%(value)s is not yes/no (是/否)"), value=repr(text)))


def parse_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(Reason(gettext_noop("is not a whole number")))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(
                Reason(gettext_noop("%(value)s is not a whole number"), value=repr(value))
            )
        number = int(value)
    else:
        text = str(value).strip().replace(",", "")
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            try:
                as_decimal = Decimal(text)
            except InvalidOperation:
                raise ValueError(
                    Reason(gettext_noop("%(value)s is not a whole number"), value=repr(text))
                ) from None
            if as_decimal != as_decimal.to_integral_value():
                raise ValueError(
                    Reason(gettext_noop("%(value)s is not a whole number"), value=repr(text))
                ) from None
            number = int(as_decimal)
    if number < 0:
        raise ValueError(Reason(gettext_noop("must not be negative")))
    if number > 2_147_483_647:
        raise ValueError(Reason(gettext_noop("is too large")))
    return number


def parse_money(value: Any) -> Decimal | None:
    """An amount in 万元, rounded to the cent of 万元 the registry keeps."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(Reason(gettext_noop("is not a number")))
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(
            Reason(gettext_noop("%(value)s is not a number"), value=repr(text))
        ) from None
    if not amount.is_finite():
        raise ValueError(Reason(gettext_noop("%(value)s is not a number"), value=repr(text)))
    if amount < 0:
        raise ValueError(Reason(gettext_noop("must not be negative")))
    if amount >= _MAX_MONEY:
        raise ValueError(Reason(gettext_noop("is too large")))
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass
class References:
    """The reference tables a row is checked against, loaded once per import."""

    districts: dict[str, int]
    industries: frozenset[str]

    @classmethod
    def load(cls) -> References:
        districts: dict[str, int] = {}
        for pk, code, name, name_en in District.objects.values_list(
            "pk", "code", "name", "name_en"
        ):
            districts[code] = pk
            districts[name] = pk
            if name_en:
                districts[name_en.casefold()] = pk
        return cls(districts, frozenset(Industry.objects.values_list("code", flat=True)))

    def district(self, value: Any) -> int:
        text = _text(value)
        pk = self.districts.get(text) or self.districts.get(text.casefold())
        if pk is None:
            raise ValueError(
                Reason(gettext_noop("%(value)s is not a district of the city"), value=repr(text))
            )
        return pk

    def industry(self, value: Any) -> str:
        text = _text(value).upper()
        if text in self.industries:
            return text
        # A spreadsheet shows class 0111 as the number 111.
        if isinstance(value, int | float) and f"0{text}" in self.industries:
            return f"0{text}"
        raise ValueError(
            Reason(
                gettext_noop("%(value)s is not a GB/T 4754-2017 industry code"), value=repr(text)
            )
        )


# The staged value of an optional column whose cell is empty, or that the file does not have.
_EMPTY: dict[str, Any] = {
    "credit_code": None,
    "founded": None,
    "size_class": "",
    "above_designated_size": None,
    "employees": None,
    "revenue": None,
    "rd_spend": None,
    "business_scope": "",
    "listed": False,
    "origin": Origin.LOCAL.value,
    "origin_place": "",
    "landed_on": None,
    "stock_code": None,
}


# Per position, each character's value times the position's weight (GB 32100-2015 §4).
_WEIGHTED = [{c: i * w for i, c in enumerate(CREDIT_CODE_ALPHABET)} for w in CREDIT_CODE_WEIGHTS]


def _check_char(code: str) -> str | None:
    """The check character due for `code`'s first 17 characters, or None if one is invalid."""
    try:
        total = sum([table[c] for table, c in zip(_WEIGHTED, code, strict=False)])
    except KeyError:
        return None
    return CREDIT_CODE_ALPHABET[-total % 31]


def _parser(name: str, refs: References) -> Callable[[Any], Any]:
    def credit_code(v: Any) -> str | None:
        code = _text(v).upper()
        if len(code) == 18 and _check_char(code) == code[17]:
            return code  # the fast path for a valid code; credit_code_error says why not
        if not code:
            return None  # matched by stock code or name instead
        error = credit_code_error(code)
        if error:
            raise ValueError(error)
        return code

    def required_text(limit: int) -> Callable[[Any], str]:
        def parse(v: Any) -> str:
            text = _text(v)
            if not text:
                raise ValueError(Reason(gettext_noop("is required")))
            if len(text) > limit:
                raise ValueError(Reason(gettext_noop("is longer than %(n)d characters"), n=limit))
            return text

        return parse

    def optional_text(limit: int | None) -> Callable[[Any], str]:
        def parse(v: Any) -> str:
            text = _text(v)
            if limit is not None and len(text) > limit:
                raise ValueError(Reason(gettext_noop("is longer than %(n)d characters"), n=limit))
            return text

        return parse

    def required(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def wrapped(v: Any) -> Any:
            if _text(v) == "":
                raise ValueError(Reason(gettext_noop("is required")))
            return parse(v)

        return wrapped

    def choice(
        choices: type[models.TextChoices], label: str, aliases: dict[str, str] | None = None
    ) -> Callable[[Any], Any]:
        accepted = choice_labels(choices, aliases=aliases)

        def parse(v: Any) -> Any:
            text = _text(v)
            if not text:
                return _EMPTY[name]
            found = accepted.get(choice_key(text))
            if found is None:
                raise ValueError(
                    Reason(
                        gettext_noop("%(value)s is not one of %(choices)s"),
                        value=repr(text),
                        choices=label,
                    )
                )
            return found

        return parse

    def stock_code(v: Any) -> str | None:
        code = _text(v).upper()
        if len(code) > 10:
            raise ValueError(Reason(gettext_noop("is longer than %(n)d characters"), n=10))
        return code or None

    def listed(v: Any) -> bool:
        parsed = parse_bool(v)
        return bool(parsed)

    parsers: dict[str, Callable[[Any], Any]] = {
        "credit_code": credit_code,
        "name": required_text(200),
        "district": required(refs.district),
        "industry_code": required(refs.industry),
        "founded": parse_date,
        "size_class": choice(SizeClass, "large/medium/small/micro (大型/中型/小型/微型)"),
        "above_designated_size": parse_bool,
        "employees": parse_int,
        "revenue": parse_money,
        "rd_spend": parse_money,
        "business_scope": optional_text(None),
        "listed": listed,
        "origin": choice(Origin, "local/attracted (本地成长/招引)", _ORIGIN_ALIASES),
        "origin_place": optional_text(100),
        "landed_on": parse_date,
        "stock_code": stock_code,
    }
    return parsers[name]
