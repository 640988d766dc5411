"""Choices of the commissioners app (DOMAIN.md §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommissionerKind(models.TextChoices):
    """The three kinds of the Zhejiang standard 科技特派员服务和管理规范 (2023-08-28): one
    person, a team, or a legal-entity commissioner (an institution)."""

    INDIVIDUAL = "individual", _("individual")
    TEAM = "team", _("team")
    INSTITUTION = "institution", _("legal-entity commissioner (institution)")


class CommissionerStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    ENDED = "ended", _("service ended")


class Provenance(models.TextChoices):
    """Where a commissioner's record comes from: real public data, entered, or generated."""

    ENTERED = "entered", _("entered")
    PUBLIC = "public", _("public data")
    SYNTHETIC = "synthetic", _("synthetic")


class ServiceMode(models.TextChoices):
    VISIT = "visit", _("on-site visit")
    REMOTE = "remote", _("remote service")


class LogStatus(models.TextChoices):
    """A back-dated entry waits for an official first; then the firm confirms or disputes it."""

    AWAITING_APPROVAL = "awaiting_approval", _("awaiting an official's approval")
    SUBMITTED = "submitted", _("awaiting the firm")
    CONFIRMED = "confirmed", _("confirmed by the firm")
    DISPUTED = "disputed", _("disputed by the firm")
    REJECTED = "rejected", _("rejected by an official")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    READY = "ready", _("proposal ready")
    FAILED = "failed", _("failed")


class Decision(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    CHANGED = "changed", _("changed by an official")
