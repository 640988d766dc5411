"""What notices say, declared by the apps that send them, and where deadlines come from.

A kind is a name (`"requests.raised"`) and a translatable text with `%(subject)s` and the
kind's own parameters; the text is rendered when read, in the reader's language, so a notice
stored once reads in Chinese to one user and in English to another. Apps register their kinds
and their deadline sources in their `notices.py` (imported at start-up); the kit names none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

Text = str | Promise


@dataclass(frozen=True)
class Kind:
    """A kind of notice: `text` is formatted with `subject` and the notice's parameters, or
    `render(subject, params)` builds the text when the wording depends on them (plurals)."""

    name: str
    text: Text = ""
    label: Text = ""
    render: Callable[[str, Mapping[str, Any]], str] | None = None


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    _kinds[kind.name] = kind
    return kind


def render(name: str, subject: str, params: Mapping[str, Any]) -> str:
    """The notice's text in the active language; an unknown kind shows its subject."""
    kind = _kinds.get(name)
    if kind is None:
        return subject
    if kind.render is not None:
        return kind.render(subject, params)
    try:
        return str(kind.text) % {**params, "subject": subject}
    except (KeyError, TypeError, ValueError):  # a stored notice older than its wording
        return subject


# --- deadlines ------------------------------------------------------------------------------

# Days before a deadline at which its people hear of it; one notice per threshold (the last
# one reached when the command runs), never two for the same threshold.
DEADLINE_THRESHOLDS = (3, 1, 0)


@dataclass(frozen=True)
class Deadline:
    """Something due on `due` that `user_ids` should be reminded of (a request's answer, an
    action item): `kind` names a kind made by `deadline_kind`; `target` is the object (its
    `get_absolute_url` is the link); `subject` its title, shown as written."""

    kind: str
    user_ids: Sequence[int]
    target: Any
    due: dt.date
    subject: str
    url: str = ""  # where to act; the target's page when empty


DeadlineSource = Callable[[dt.date, dt.date], Iterable[Deadline]]
_deadline_sources: list[DeadlineSource] = []


def register_deadline_source(source: DeadlineSource) -> None:
    """`source(today, until)` yields the open things due between today and until, inclusive."""
    if source not in _deadline_sources:
        _deadline_sources.append(source)


def deadline_sources() -> list[DeadlineSource]:
    return list(_deadline_sources)


def _render_deadline(what: Text, subject: str, params: Mapping[str, Any]) -> str:
    days = int(params.get("days", 0))
    label = f"{what}: {subject}"
    if days <= 0:
        return str(_("Due today: %(subject)s")) % {"subject": label}
    return ngettext(
        "Due in %(days)d day: %(subject)s", "Due in %(days)d days: %(subject)s", days
    ) % {"days": days, "subject": label}


def deadline_kind(name: str, what: Text) -> Kind:
    """A reminder kind for things called `what` ("request", "action item"), e.g.
    "Due in 3 days: request: <title>" in the reader's language."""

    def render(subject: str, params: Mapping[str, Any]) -> str:
        return _render_deadline(what, subject, params)

    return Kind(name, label=_("deadline near"), render=render)
