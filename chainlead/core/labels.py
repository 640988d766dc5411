"""Words for the keys that business events record beside model fields (an audit entry's
"what changed" names them): the audit page shows them in the reader's language. An app whose
events record other keys adds its words with `register_field_labels` in its `ready()`."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FIELD_LABELS: dict[str, Promise | str] = {
    "action": _("action"),
    "amount": _("amount"),
    "assignments": _("assignments"),
    "by": _("by"),
    "change": _("change"),
    "considered": _("considered"),
    "created": _("created"),
    "data": _("data"),
    "decision": _("decision"),
    "eligible": _("eligible"),
    "eligibility": _("eligibility"),
    "kind": _("kind"),
    "note": _("note"),
    "paid": _("paid"),
    "passed": _("passed"),
    "preference": _("preference"),
    "reason": _("reason"),
    "reasons": _("reasons"),
    "reference": _("reference"),
    "rules": _("rules"),
    "scores": _("scores"),
    "search": _("search"),
    "stage": _("stage"),
    "status": _("status"),
    "version": _("version"),
}


def register_field_labels(labels: Mapping[str, Promise | str]) -> None:
    """Add words for event keys; a key already named keeps its first word."""
    for key, label in labels.items():
        FIELD_LABELS.setdefault(key, label)


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))
