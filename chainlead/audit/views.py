"""The audit log pages: a filtered, exportable list and one entry with its before/after diff.

Only city admins and auditors read the audit log (`audit.permissions.reads_audit_log`);
nobody changes it.
"""

import json

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from chainlead.accounts.access import access_for
from chainlead.audit.filtersets import AuditEntryFilterSet
from chainlead.audit.models import AuditAction, AuditEntry
from chainlead.audit.permissions import reads_audit_log
from chainlead.audit.tables import AuditEntryTable
from chainlead.core.export import Column, choice_label, wants_export
from chainlead.core.masking import mask_snapshot, record_export, sees_personal_data
from chainlead.core.templatetags.chainlead_tags import model_label
from chainlead.core.views import object_list, permission_required


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


AUDIT_EXPORT_COLUMNS: list[Column] = [
    (_("when"), "timestamp"),
    (_("who"), "actor_label"),
    (_("channel"), "source"),
    (_("address"), "remote_addr"),
    (_("request"), "request_id"),
    (_("action"), choice_label(AuditAction, "action")),
    (_("event"), "event"),
    (_("record type"), lambda e: model_label(e.content_type)),
    (_("record number"), "object_id"),
    (_("record"), "object_repr"),
    (_("changed fields"), lambda e: ", ".join(e.changed_fields)),
    (_("before"), lambda e: _json(e.before)),
    (_("after"), lambda e: _json(e.after)),
    (_("message"), "message"),
]
# Auditors read the log but need no phone or ID number in it (core.masking).
MASKED_EXPORT_COLUMNS: list[Column] = [
    *AUDIT_EXPORT_COLUMNS[:-3],
    (_("before"), lambda e: _json(mask_snapshot(e.before))),
    (_("after"), lambda e: _json(mask_snapshot(e.after))),
    AUDIT_EXPORT_COLUMNS[-1],
]


def entry_queryset() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor", "content_type")


@permission_required(reads_audit_log)
@require_http_methods(["GET"])
def entry_list(request: HttpRequest) -> HttpResponse:
    full = sees_personal_data(access_for(request.user))
    if wants_export(request):
        record_export(actor=request.user, what="the audit log", fields="before, after")
    return object_list(
        request,
        queryset=entry_queryset(),
        filterset_class=AuditEntryFilterSet,
        table_class=AuditEntryTable,
        template_name="audit/entry_list.html",
        export_columns=AUDIT_EXPORT_COLUMNS if full else MASKED_EXPORT_COLUMNS,
        export_filename="audit-log",
        fragment_template="audit/partials/_entry_results.html",
    )


@permission_required(reads_audit_log)
@require_http_methods(["GET"])
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(entry_queryset(), pk=pk)
    if not sees_personal_data(access_for(request.user)):
        # Masked on the instance, so every tag showing the entry shows it masked (never saved:
        # the log is append-only).
        entry.before, entry.after = mask_snapshot(entry.before), mask_snapshot(entry.after)
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    fields = sorted(set(before) | set(after))
    rows = [
        {
            "name": name,
            "before": before.get(name),
            "after": after.get(name),
            "changed": entry.action == "update" and before.get(name) != after.get(name),
        }
        for name in fields
    ]
    return render(
        request,
        "audit/entry_detail.html",
        {"entry": entry, "rows": rows, "model_name": model_label(entry.content_type)},
    )
