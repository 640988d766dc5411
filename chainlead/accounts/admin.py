"""Users, their role grants and API tokens in the Django admin, for city admins.

Every change here is audited by signals (chainlead.audit). Passwords and token hashes never appear
in the log (excluded in AccountsConfig.ready)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.access import access_for
from chainlead.accounts.forms import AdminLoginForm
from chainlead.accounts.models import ApiToken, RoleGrant, User

# The admin's log-in form caps the user name too (see accounts.forms).
admin.site.login_form = AdminLoginForm


class CityAdminOnly:
    """Only city admins (and superusers) manage accounts."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_admin

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access_for(request.user).is_admin

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access_for(request.user).is_admin

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access_for(request.user).is_admin

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access_for(request.user).is_admin


class RoleGrantInline(CityAdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = RoleGrant
    fields = ("role", "chain", "district", "enterprise")
    raw_id_fields = ("enterprise",)
    extra = 0


@admin.register(User)
class UserAdmin(CityAdminOnly, DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "display_name", "department", "is_active", "last_login")
    search_fields = ("username", "display_name", "department", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Organisation"), {"fields": ("display_name", "department")}),
    )
    inlines = (RoleGrantInline,)


@admin.register(RoleGrant)
class RoleGrantAdmin(CityAdminOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "chain", "district", "enterprise", "created_at")
    list_filter = ("role", "chain", "district")
    search_fields = ("user__username", "user__display_name", "enterprise__name")
    raw_id_fields = ("user", "enterprise")
    list_select_related = ("user", "chain", "district", "enterprise")


@admin.register(ApiToken)
class ApiTokenAdmin(CityAdminOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """Tokens are created by their owners (the key is shown once); here they can be revoked."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at")
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "expires_at", "created_at", "last_used_at")
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
