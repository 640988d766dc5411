from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The recruitment (招商) pipeline of DOMAIN.md §9."""

    IDENTIFIED = "identified", _("identified")
    CONTACTED = "contacted", _("contacted")
    VISITED = "visited", _("visited")
    NEGOTIATING = "negotiating", _("negotiating")
    SIGNED = "signed", _("signed")
    LANDED = "landed", _("landed")
    LOST = "lost", _("lost")


PIPELINE = [
    Stage.IDENTIFIED,
    Stage.CONTACTED,
    Stage.VISITED,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.LANDED,
]


class ActivityKind(models.TextChoices):
    CONTACT = "contact", _("contact")
    VISIT = "visit", _("visit")
    NOTE = "note", _("note")


class PromiseKind(models.TextChoices):
    INVESTMENT = "investment", _("investment (10,000 CNY)")
    JOBS = "jobs", _("jobs")
    REVENUE = "revenue", _("revenue (10,000 CNY)")
    RD_SPEND = "rd_spend", _("R&D spend (10,000 CNY)")


class PromiseStatus(models.TextChoices):
    PENDING = "pending", _("not yet due")
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    BEHIND = "behind", _("behind")
    MET = "met", _("met")
    NO_DATA = "no_data", _("no figures reported")
