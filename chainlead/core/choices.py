"""Reading a choice back from what a person typed or pasted: its code, or its label as the UI
shows it in any of the site's languages (issue 15 item 5: an import accepts what the UI shows).

`choice_from_label(Origin, "本地成长")` and `choice_from_label(Origin, " Grown Locally ")` are
both `"local"`. Case, full-width forms and whitespace do not matter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise


def choice_key(text: str) -> str:
    """The form in which a typed value is looked up in `choice_labels`."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def choice_labels(choices: Any, *, aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every accepted spelling of `choices` (a TextChoices class or `(code, label)` pairs),
    normalised, mapped to its code: codes, labels in each of settings.LANGUAGES, and `aliases`
    (other words in use for a code, e.g. a hotline system's own category names)."""
    pairs: list[tuple[Any, str | Promise]] = list(getattr(choices, "choices", choices))
    found: dict[str, str] = {}
    for code, _label in pairs:
        found[choice_key(str(code))] = str(code)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in pairs:
                found.setdefault(choice_key(str(label)), str(code))
    for alias, code in (aliases or {}).items():
        found.setdefault(choice_key(alias), str(code))
    return found


def accepted_labels(choices: Any) -> str:
    """The labels of `choices` in the current language, for an error message."""
    pairs: list[tuple[Any, str | Promise]] = list(getattr(choices, "choices", choices))
    return "/".join(str(label) for _code, label in pairs)


def choice_from_label(
    choices: Any, value: object, *, aliases: Mapping[str, str] | None = None
) -> str | None:
    """The code `value` names (a code or a label in any language), None for an empty value;
    raises ValueError saying which values are accepted otherwise.

    For many values of one field build the table once with `choice_labels` instead.
    """
    text = "" if value is None else str(value)
    if not text.strip():
        return None
    code = choice_labels(choices, aliases=aliases).get(choice_key(text))
    if code is None:
        raise ValueError(f"{text.strip()!r} is not one of {accepted_labels(choices)}")
    return code
