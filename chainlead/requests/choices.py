"""Choices of the requests app: categories, statuses, channels, transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """What a request is about; the category routes it and sets its time limit."""

    PERMITS = "permits", _("permits")
    TALENT_HOUSING = "talent_housing", _("talent & housing")
    FINANCE = "finance", _("finance")
    LAND_SPACE = "land_space", _("land & space")
    SUPPLY_CHAIN = "supply_chain", _("supply chain")
    MARKET_ACCESS = "market_access", _("market access")
    DAILY_OPERATIONS = "daily_operations", _("daily operations")
    OTHER = "other", _("other")


class Status(models.TextChoices):
    """The life cycle of DOMAIN.md §4; "reopened" is an event that returns to in progress."""

    RAISED = "raised", _("raised")
    ACCEPTED = "accepted", pgettext_lazy("request status", "accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    WAITING_FIRM = "waiting_firm", _("waiting for the firm")
    RESOLVED = "resolved", _("resolved")
    CONFIRMED = "confirmed", _("confirmed")


# Statuses in which the department still owes the firm an answer (the clock may run).
OPEN_STATUSES = (Status.RAISED, Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING_FIRM)
# Statuses in which the deadline clock runs (waiting for the firm pauses it).
CLOCK_STATUSES = (Status.RAISED, Status.ACCEPTED, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.RESOLVED, Status.CONFIRMED)


class Channel(models.TextChoices):
    """How the request reached the platform; all channels feed one pool."""

    FIRM_PAGE = "firm_page", _("the firm's own page")
    COMMISSIONER = "commissioner", _("a commissioner")
    TASK_FORCE_VISIT = "task_force_visit", _("a task-force visit")
    MEETING = "meeting", _("a task-force meeting")
    HOTLINE_12345 = "hotline_12345", _("the 12345 hotline")


class Transition(models.TextChoices):
    """The actions that move a request, each with its own allowed roles (services.TRANSITIONS)."""

    ACCEPT = "accept", _("accept")
    START = "start", _("start work")
    WAIT_FOR_FIRM = "wait_for_firm", _("wait for the firm")
    RESUME = "resume", _("resume")
    RESOLVE = "resolve", _("resolve")
    CONFIRM = "confirm", _("confirm and rate")
    REOPEN = "reopen", _("reject the resolution")


class EventKind(models.TextChoices):
    """What a timeline row records."""

    RAISED = "raised", _("raised")
    ROUTED = "routed", _("routed")
    ACCEPT = "accept", pgettext_lazy("request status", "accepted")
    START = "start", _("work started")
    WAIT_FOR_FIRM = "wait_for_firm", _("waiting for the firm")
    RESUME = "resume", _("resumed")
    RESOLVE = "resolve", _("resolved")
    CONFIRM = "confirm", _("confirmed and rated")
    REOPEN = "reopen", _("reopened")
    ESCALATED_TASK_FORCE = "escalated_task_force", _("escalated to the task force")
    ESCALATED_LEADER = "escalated_leader", _("escalated to the chain leader")
    TAKEN = "taken", _("taken by the chain leader")
    LINKED = "linked", _("linked to a parent request")
    ATTACHED = "attached", _("file attached")
    IMPORTED = "imported", _("imported from the 12345 hotline")


class Escalation(models.IntegerChoices):
    """How far up a request has climbed."""

    NONE = 0, _("not escalated")
    TASK_FORCE = 1, _("task force")
    CHAIN_LEADER = 2, _("chain leader")
