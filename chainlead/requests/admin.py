"""Admin of the rules city admins edit: departments and officers, routing, time limits,
the holiday calendar overrides and tags. Requests are read-only here (they move by services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chainlead.requests import models


class MemberInline(admin.TabularInline[models.DepartmentMember, models.Department]):
    model = models.DepartmentMember
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin[models.Department]):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]
    inlines = [MemberInline]


@admin.register(models.RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[models.RoutingRule]):
    list_display = ["category", "chain", "district", "department"]
    list_filter = ["category", "department"]


@admin.register(models.TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin[models.TimeLimit]):
    list_display = ["category", "working_days"]


@admin.register(models.CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[models.CalendarOverride]):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(models.CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[models.CalendarYear]):
    list_display = ["year", "notice"]


@admin.register(models.Tag)
class TagAdmin(admin.ModelAdmin[models.Tag]):
    search_fields = ["name"]


@admin.register(models.EnterpriseRequest)
class EnterpriseRequestAdmin(admin.ModelAdmin[models.EnterpriseRequest]):
    list_display = ["__str__", "enterprise", "category", "status", "deadline", "escalation_level"]
    list_filter = ["status", "category", "channel", "escalation_level"]
    search_fields = ["title", "hotline_ticket"]
    list_select_related = ["enterprise"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
