"""The audit log as a django-tables2 table."""

from typing import Any

import django_tables2 as tables
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from chainlead.audit.models import AuditEntry
from chainlead.core.html import format_html
from chainlead.core.tables import PlatformTable
from chainlead.core.templatetags.chainlead_tags import field_labels, model_label, source_label

ACTION_BADGE = {"create": "status-ok", "delete": "status-missing", "update": "badge-muted"}


class AuditEntryTable(PlatformTable):
    timestamp = tables.DateTimeColumn(
        verbose_name=_("when"),
        format="Y-m-d H:i:s",
        linkify=("audit:entry_detail", {"pk": tables.A("pk")}),
    )
    actor_label = tables.Column(verbose_name=_("who"))
    source = tables.Column(verbose_name=_("channel"))
    action = tables.Column(verbose_name=_("action"))
    content_type = tables.Column(verbose_name=_("record type"), orderable=False)
    object_repr = tables.Column(verbose_name=_("record"))
    changes = tables.Column(verbose_name=_("changed fields"), empty_values=(), orderable=False)

    class Meta:
        model = AuditEntry
        fields = (
            "timestamp",
            "actor_label",
            "source",
            "action",
            "content_type",
            "object_repr",
            "changes",
        )
        attrs = {"class": "data"}
        empty_text = _("No audit entry matches these filters.")
        order_by = ("-timestamp",)

    def render_actor_label(self, value: Any, record: AuditEntry) -> str:
        return str(record.actor) if record.actor_id else value

    def render_action(self, value: Any, record: AuditEntry) -> SafeString:
        cls = ACTION_BADGE.get(record.action, "status-weak")
        event = f" {record.event}" if record.event else ""
        return format_html('<span class="badge {}">{}</span>{}', cls, value, event)

    def render_content_type(self, value: Any) -> str:
        return model_label(value)

    def render_object_repr(self, value: Any, record: AuditEntry) -> SafeString:
        return format_html('{} <span class="muted small">#{}</span>', value, record.object_id)

    def render_source(self, value: Any) -> str:
        return source_label(value)

    def render_changes(self, record: AuditEntry) -> str:
        if record.action in ("create", "delete"):
            return ""
        return ", ".join(field_labels(record.content_type, record.changed_fields))
