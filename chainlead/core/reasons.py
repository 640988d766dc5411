"""Reasons that are stored and shown later, in the reader's language (issue 15 item 9).

An import's errors are found once, in a background task or a command, and read later by people
working in Chinese or in English. A `Reason` is the English text (what the command line, the
logs and `str()` show) that also remembers its message id and values; stored with them
(`as_stored`), it is translated when shown (`stored_reason_text`, the `reason` filter).

    raise ValueError(Reason(gettext_noop("%(value)s is not a real date"), value=repr(text)))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext


class Reason(str):
    """English text that can be given again in the reader's language."""

    msgid: str
    params: dict[str, str | int]

    def __new__(cls, msgid: str, /, **params: str | int) -> Reason:
        reason = super().__new__(cls, msgid % params if params else msgid)
        reason.msgid = msgid
        reason.params = params
        return reason

    def translated(self) -> str:
        return _translate(self.msgid, self.params, str(self))

    def as_stored(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": self.params}


def reason_of(error: BaseException) -> str:
    """The reason an exception was raised with: the `Reason` itself when it carries one."""
    first = error.args[0] if error.args else ""
    return first if isinstance(first, Reason) else str(error)


def stored_parts(parts: Iterable[str]) -> list[dict[str, Any]]:
    """Texts to store and show later: each with its message id and values when it has them."""
    return [
        {"reason": str(part), **(part.as_stored() if isinstance(part, Reason) else {})}
        for part in parts
    ]


def stored_reason_text(stored: Mapping[str, Any], key: str = "reason") -> str:
    """A stored error's reason in the active language: from its message id and values when it
    was stored with them, else the stored text as it is (older rows, free text)."""
    msgid = stored.get("msgid")
    if not msgid:
        return str(stored.get(key, ""))
    return _translate(str(msgid), dict(stored.get("params") or {}), str(stored.get(key, "")))


def _translate(msgid: str, params: Mapping[str, Any], fallback: str) -> str:
    try:
        return gettext(msgid) % params if params else gettext(msgid)
    except (KeyError, TypeError, ValueError):
        return fallback  # a translation that lost a placeholder: the English text
