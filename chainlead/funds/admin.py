"""The ledger in the admin: readable, never editable (administrators included)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from chainlead.funds.models import Account, Commitment, Disbursement, Entry, Fund, Tranche


class ReadOnlyAdmin(admin.ModelAdmin[models.Model]):
    """Money moves through the services only; the admin shows, it does not change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("pk", "fund", "kind", "debit_account", "credit_account", "amount", "period")
    list_filter = ("kind",)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("pk", "fund", "kind", "name", "debits_posted", "credits_posted")
    list_filter = ("kind",)


admin.site.register(Fund, ReadOnlyAdmin)
admin.site.register(Commitment, ReadOnlyAdmin)
admin.site.register(Tranche, ReadOnlyAdmin)
admin.site.register(Disbursement, ReadOnlyAdmin)
