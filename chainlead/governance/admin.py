"""Django admin for governance. Leaders and task forces are read-only here: appointing them goes
through the services, which keep the role grants in step."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from chainlead.governance import models


class ReadOnlyAdmin(admin.ModelAdmin[Model]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.ChainLeader)
class ChainLeaderAdmin(ReadOnlyAdmin):
    list_display = ("chain", "user", "title", "appointed_on")


@admin.register(models.TaskForceMember)
class TaskForceMemberAdmin(ReadOnlyAdmin):
    list_display = ("chain", "user", "role", "unit", "joined_on")
    list_filter = ("chain", "role")


class TargetInline(admin.TabularInline[models.Target, models.WorkPlan]):
    model = models.Target
    extra = 0


class MilestoneInline(admin.TabularInline[models.Milestone, models.WorkPlan]):
    model = models.Milestone
    extra = 0


@admin.register(models.WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin[models.WorkPlan]):
    list_display = ("chain", "year", "title", "status", "approved_by", "approved_at")
    list_filter = ("status", "year", "chain")
    inlines = [TargetInline, MilestoneInline]


@admin.register(models.ActualEntry)
class ActualEntryAdmin(ReadOnlyAdmin):
    list_display = ("target", "value", "as_of", "source", "entered_by", "entered_at")


@admin.register(models.PolicyItem)
class PolicyItemAdmin(admin.ModelAdmin[models.PolicyItem]):
    list_display = ("title", "issuing_body", "doc_number", "date_text", "topic", "provenance")
    list_filter = ("topic", "provenance")
    search_fields = ("title", "issuing_body", "doc_number")


@admin.register(models.PackageItem)
class PackageItemAdmin(admin.ModelAdmin[models.PackageItem]):
    list_display = ("chain", "policy", "note", "added_at")
    list_filter = ("chain",)


class DecisionInline(admin.TabularInline[models.Decision, models.Meeting]):
    model = models.Decision
    extra = 0


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin[models.Meeting]):
    list_display = ("chain", "title", "held_at", "location")
    list_filter = ("chain",)
    inlines = [DecisionInline]


@admin.register(models.ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("chain", "title", "owner", "deadline", "status")
    list_filter = ("chain", "status")
