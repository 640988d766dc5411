"""Choices of the proof-of-concept organ (DOMAIN.md §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.IntegerChoices):
    """The five stages from research to production; 2-4 are the valley of death (死亡之谷)."""

    BASIC_RESEARCH = 1, _("basic research")
    PROOF_OF_CONCEPT = 2, _("proof of concept")
    PRINCIPLE_PROTOTYPE = 3, _("principle prototype")
    TRIAL_PRODUCTION = 4, _("small-batch trial production")
    ENGINEERING_PRODUCTION = 5, _("engineering production")


class ProjectStatus(models.TextChoices):
    """Where a project stands; every move is checked against constants.TRANSITIONS."""

    ACTIVE = "active", _("active")
    LICENSED = "licensed", _("licensed")
    SPUN_OFF = "spun_off", _("spin-off founded")
    ACQUIRED = "acquired", _("acquired")
    STOPPED = "stopped", _("stopped")


class OutcomeKind(models.TextChoices):
    LICENSED = "licensed", _("licensed")
    SPUN_OFF = "spun_off", _("spin-off founded")
    ACQUIRED = "acquired", _("acquired")
    STOPPED = "stopped", _("stopped")


class IPKind(models.TextChoices):
    PATENT = "patent", _("patent")
    SOFTWARE_COPYRIGHT = "software", _("software copyright")


class Decision(models.TextChoices):
    ADVANCE = "advance", _("advance")
    HOLD = "hold", _("hold")
    STOP = "stop", _("stop")


class ReviewStatus(models.TextChoices):
    """A reviewer's assignment: the file opens only after a declaration of no conflict."""

    ASSIGNED = "assigned", _("assigned, not declared")
    DECLARED = "declared", _("declared no conflict")
    REFUSED = "refused", _("refused: conflict of interest")
    SCORED = "scored", _("scored")


class GateStatus(models.TextChoices):
    OPEN = "open", _("open")
    DECIDED = "decided", _("decided")


class Direction(models.TextChoices):
    UPSTREAM = "upstream", _("upstream")
    DOWNSTREAM = "downstream", _("downstream")
    SAME = "same", _("same segment")


class ContactResult(models.TextChoices):
    APPROACHED = "approached", _("approached, no answer yet")
    INTERESTED = "interested", _("interested")
    AGREED = "agreed", _("agreed to cooperate")
    DECLINED = "declined", _("declined")


class SupportKind(models.TextChoices):
    FUNDING = "funding", _("funding")
    LAB_TIME = "lab_time", _("lab time")
    PILOT_LINE = "pilot_line", _("pilot line")
    OTHER = "other", _("other in-kind support")


class Provenance(models.TextChoices):
    """Real records (as their source states them) are never mixed with generated ones."""

    ENTERED = "entered", _("entered")
    PUBLIC = "public", _("public data")
    SYNTHETIC = "synthetic", _("synthetic")
