from django.db import models
from django.utils.translation import gettext_lazy as _


class IndustryLevel(models.TextChoices):
    SECTION = "section", _("section")
    DIVISION = "division", _("division")
    GROUP = "group", _("group")
    CLASS = "class", _("class")


class SizeClass(models.TextChoices):
    LARGE = "large", _("large")
    MEDIUM = "medium", _("medium")
    SMALL = "small", _("small")
    MICRO = "micro", _("micro")


class Origin(models.TextChoices):
    LOCAL = "local", _("grown locally")
    ATTRACTED = "attracted", _("attracted")


class DataProvenance(models.TextChoices):
    """Where a firm's record comes from; synthetic firms are never mixed with real ones."""

    ENTERED = "entered", _("entered or imported")
    PUBLIC = "public", _("public data")
    SYNTHETIC = "synthetic", _("synthetic")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
