"""The registry in the Django admin, for city admins. Writes to firms go through the services
(permission check, validation, optimistic version); every change is audited by signals."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chainlead.accounts.access import access_for
from chainlead.registry import services
from chainlead.registry.models import District, Enterprise, EnterpriseIndicator, ImportJob, Industry
from chainlead.registry.permissions import manages_registry


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Reference data and job records: loaded by commands, read here."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "name_en", "kind")
    search_fields = ("code", "name", "name_en")


@admin.register(Industry)
class IndustryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


class IndicatorInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EnterpriseIndicator
    fields = ("year", "revenue", "rd_spend", "employees", "patents", "tax")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "credit_code", "district", "industry", "size_class", "origin")
    list_filter = ("provenance", "origin", "size_class", "listed", "district")
    search_fields = ("name", "short_name", "credit_code", "stock_code")
    list_select_related = ("district", "industry")
    autocomplete_fields = ("industry",)
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = (IndicatorInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:  # provenance is set once, when the record is created
            return (*self.readonly_fields, "provenance", "source_note")
        return self.readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return manages_registry(access_for(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_registry(access_for(request.user))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_registry(access_for(request.user))

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data[k] for k in form.changed_data if k in services.EDITABLE_FIELDS}
        if change:
            current = Enterprise.objects.get(pk=obj.pk)
            updated = services.enterprise_update(actor=request.user, enterprise=current, **data)
        else:
            extra = {k: form.cleaned_data[k] for k in ("provenance", "source_note")}
            updated = services.enterprise_create(actor=request.user, **data, **extra)
        obj.pk = updated.pk
        obj.version = updated.version

    def delete_model(self, request: HttpRequest, obj: Enterprise) -> None:
        services.enterprise_delete(actor=request.user, enterprise=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            services.enterprise_delete(actor=request.user, enterprise=obj)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("filename", "status", "created_by", "created_at", "processed_rows")
    list_filter = ("status", "dry_run")
    exclude = ("errors",)
