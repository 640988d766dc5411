"""Template helpers shared by every app: audit diffs and small display filters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainlead.core.labels import field_label, model_field_label

register = template.Library()


EMPTY = "—"
# Bookkeeping fields that say nothing to a reader of a created or deleted record.
HIDDEN_IN_SNAPSHOTS = frozenset({"id", "created_at", "updated_at", "version"})


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str
    structured: bool = False  # JSON: the page shows it as code

    @property
    def value(self) -> str:
        """The one value of a created (after) or deleted (before) record."""
        return self.after if self.after != EMPTY else self.before


def _display(
    field: models.Field[Any, Any] | None, value: Any, cache: dict[tuple[Any, Any], str]
) -> str:
    """A stored audit value as a person reads it: choice labels, related names, yes/no."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):  # an event's structured value: shown as code
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if field is None:
        return force_str(value)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            if timezone.is_aware(parsed):
                parsed = timezone.localtime(parsed)
            return f"{parsed:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.choices:
        return force_str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        # One small read per distinct linked object on the page (cached for this render).
        key = (field.related_model, value)
        if key not in cache:
            related = field.related_model._default_manager.filter(pk=value).first()
            cache[key] = force_str(related) if related is not None else f"#{value}"
        return cache[key]
    return force_str(value)


def _field_for(model: type[models.Model] | None, attname: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    try:
        field = model._meta.get_field(attname)
    except FieldDoesNotExist:
        return None
    # A reverse relation (a business event may name one) has no verbose name of its own.
    return field if isinstance(field, models.Field) else None


@register.simple_tag(takes_context=True)
def audit_changes(context: template.Context, entry: Any) -> list[FieldChange]:
    """The fields an audit entry changed, with labels and readable before/after values."""
    # One lookup of related names per render, shared by the entries on the page.
    cache: dict[tuple[Any, Any], str] | None = context.render_context.get("_audit_related_names")
    if cache is None:
        cache = {}
        context.render_context["_audit_related_names"] = cache
    model = entry.content_type.model_class() if entry.content_type_id else None
    before = entry.before or {}
    after = entry.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    names = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if entry.action in ("create", "delete"):
        names = [
            n
            for n in names
            if n not in HIDDEN_IN_SNAPSHOTS and (before.get(n) or after.get(n)) not in (None, "")
        ]
    changes = []
    for name in names:
        field = _field_for(model, name)
        label = model_field_label(field) if field is not None else field_label(name)
        changes.append(
            FieldChange(
                name=name,
                label=label,
                before=_display(field, before.get(name), cache) if name in before else EMPTY,
                after=_display(field, after.get(name), cache) if name in after else EMPTY,
                structured=isinstance(before.get(name), dict | list)
                or isinstance(after.get(name), dict | list),
            )
        )
    return changes


SOURCES = {
    "web": gettext_lazy("web page"),
    "api": gettext_lazy("API"),
    "cli": gettext_lazy("command line"),
    "task": gettext_lazy("background task"),
    "system": gettext_lazy("system"),
}


@register.filter
def join_list(items: Any) -> str:
    """A list as the reader's language writes one (、 in Chinese)."""
    from chainlead.core.text import join_list as join

    return join(items or [])


@register.filter
def reason(stored: Any) -> str:
    """A stored error's reason (a dict with "reason", maybe "msgid" and "params") in the
    reader's language (chainlead.core.reasons)."""
    from chainlead.core.reasons import stored_reason_text

    return stored_reason_text(stored) if isinstance(stored, dict) else force_str(stored)


@register.filter
def source_label(source: str) -> str:
    """Where a change came from (the audit context's source), in words."""
    return force_str(SOURCES.get(source, source))


def field_labels(content_type: Any, names: list[str]) -> list[str]:
    """The verbose names of a model's fields, by attribute name (e.g. "district_id")."""
    model = content_type.model_class() if content_type is not None else None
    labels = []
    for name in names:
        field = _field_for(model, name)
        labels.append(model_field_label(field) if field is not None else field_label(name))
    return labels


@register.filter
def model_label(content_type: Any) -> str:
    """The translated verbose name of a content type's model."""
    model = content_type.model_class() if content_type is not None else None
    if model is None:
        return force_str(content_type)
    return force_str(model._meta.verbose_name)


@register.simple_tag(takes_context=True)
def plugin_slot(context: template.Context, name: str) -> str:
    """Render the templates other apps add to slot `name` (chainlead.core.plugins.Slot), with
    this page's context."""
    from django.template.loader import get_template
    from django.utils.safestring import mark_safe

    from chainlead.core.plugins import slot_items

    # cast: the stubs key a context by Node too; a page's context is keyed by variable names.
    flat = cast("dict[str, Any]", context.flatten())
    request = flat.get("request")
    html = "".join(get_template(s.template).render(flat, request) for s in slot_items(name))
    return mark_safe(html)  # noqa: S308  (the fragments are our own templates, autoescaped)


@register.simple_tag(takes_context=True)
def table_html(context: template.Context, table: Any) -> str:
    """A django-tables2 table with its pager, written in one pass (`chainlead.core.tables`)."""
    from chainlead.core.tables import table_html as render_table

    return render_table(table, context)
