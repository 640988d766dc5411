"""The audit log in the Django admin: readable, never added to, changed or deleted (MLPS 2.0
8.1.4.3 c). The permission methods return False even for superusers."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chainlead.accounts.access import access_for
from chainlead.audit.models import AuditEntry
from chainlead.audit.permissions import reads_audit_log


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("timestamp", "actor_label", "source", "action", "content_type", "object_repr")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "object_id", "actor_label", "request_id")
    date_hierarchy = "timestamp"
    list_select_related = ("content_type",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return reads_audit_log(access_for(request.user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return reads_audit_log(access_for(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
