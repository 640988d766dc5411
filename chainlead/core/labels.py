"""Words for the keys that business events record beside model fields (an audit entry's
"what changed" names them): the audit page shows them in the reader's language. An app whose
events record other keys adds its words with `register_field_labels` in its `ready()`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FIELD_LABELS: dict[str, Promise | str] = {
    # Model fields that carry no verbose name of their own (Django would show "created by").
    "actor": _("actor"),
    "application": _("application"),
    "applicant": _("applicant"),
    "approved_at": _("approved at"),
    "approved_by": _("approved by"),
    "assignment": _("assignment"),
    "award": _("award"),
    "batch": _("batch"),
    "before": _("before"),
    "chain": _("chain"),
    "commissioner": _("commissioner"),
    "commitment": _("commitment"),
    "computed_by": _("computed by"),
    "created_at": _("created at"),
    "created_by": _("created by"),
    "deadline_unknown_years": _("years whose holidays were unknown"),
    "decided_by": _("decided by"),
    "disbursement": _("disbursement"),
    "district": _("district"),
    "enterprise": _("firm"),
    "finished_at": _("finished at"),
    "firms_considered": _("firms considered"),
    "from_stage": _("from stage"),
    "fund": _("fund"),
    "gate_review": _("gate review"),
    "industry": _("industry"),
    "is_public_data": _("public data"),
    "key": _("key"),
    "meeting": _("meeting"),
    "message": _("message"),
    "paid_account": _("account paid into"),
    "panel": _("panel"),
    "plan": _("plan"),
    "prepared_by": _("prepared by"),
    "program": _("program"),
    "project": _("project"),
    "recorded_by": _("recorded by"),
    "request": _("request"),
    "reviewer": _("reviewer"),
    "round": _("round"),
    "run": _("run"),
    "scored_at": _("scored at"),
    "segment": _("segment"),
    "seq": _("sequence number"),
    "target": _("target"),
    "tier": _("tier"),
    "to_stage": _("to stage"),
    "tranche": _("tranche"),
    "updated_at": _("updated at"),
    "uploaded_at": _("uploaded at"),
    "uploaded_by": _("uploaded by"),
    "upstream": _("upstream"),
    "user": _("user"),
    # Keys that business events record.
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


def model_field_label(field: Any) -> str:
    """A model field's name as a person reads it: its verbose name, or, where the model gave
    none (Django made one up in English from the attribute), the word for the attribute."""
    auto = field.name.replace("_", " ")
    if isinstance(field.verbose_name, str) and field.verbose_name == auto:
        return str(FIELD_LABELS.get(field.name, auto))
    return str(field.verbose_name)
