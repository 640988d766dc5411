"""Template helpers shared by every app: audit diffs and small display filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str


def _display(field: models.Field[Any, Any] | None, value: Any) -> str:
    """A stored audit value as a person reads it: choice labels, related names, yes/no."""
    if value is None or value == "":
        return "—"
    if field is None:
        return force_str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.choices:
        return force_str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        # One small read per changed link; histories are short and links change rarely.
        related = field.related_model._default_manager.filter(pk=value).first()
        return force_str(related) if related is not None else f"#{value}"
    return force_str(value)


def _field_for(model: type[models.Model] | None, attname: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    try:
        return model._meta.get_field(attname)  # type: ignore[return-value]
    except FieldDoesNotExist:
        return None


@register.simple_tag
def audit_changes(entry: Any) -> list[FieldChange]:
    """The fields an audit entry changed, with labels and readable before/after values."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    before = entry.before or {}
    after = entry.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    names = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    changes = []
    for name in names:
        field = _field_for(model, name)
        label = force_str(field.verbose_name) if field is not None else name
        changes.append(
            FieldChange(
                name=name,
                label=label,
                before=_display(field, before.get(name)) if name in before else "—",
                after=_display(field, after.get(name)) if name in after else "—",
            )
        )
    return changes


@register.filter
def model_label(content_type: Any) -> str:
    """The translated verbose name of a content type's model."""
    model = content_type.model_class() if content_type is not None else None
    if model is None:
        return force_str(content_type)
    return force_str(model._meta.verbose_name)
