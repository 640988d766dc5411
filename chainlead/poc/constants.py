"""Rules of the proof-of-concept organ as data, each with its source."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from chainlead.poc.choices import OutcomeKind, ProjectStatus, Stage

# Stage ↔ technology readiness level (TRL 1-9). The TRL scale is the one of GB/T 22900-2022
# (科学技术研究项目评价通则, after NASA's); the match of stages to TRL bands is ours, from the
# stage names of DOMAIN.md §6: basic research ends at an experimentally proven concept (TRL 3),
# proof of concept validates it in the lab (3-4), a principle prototype is validated in a
# relevant or simulated environment (4-6), small-batch trial production demonstrates a system
# prototype in its operating environment (6-7), engineering production is a qualified,
# proven system (7-9). Neighbouring bands share their edge, as real projects straddle it.
STAGE_TRL: dict[int, tuple[int, int]] = {
    Stage.BASIC_RESEARCH: (1, 3),
    Stage.PROOF_OF_CONCEPT: (3, 4),
    Stage.PRINCIPLE_PROTOTYPE: (4, 6),
    Stage.TRIAL_PRODUCTION: (6, 7),
    Stage.ENGINEERING_PRODUCTION: (7, 9),
}

# The valley of death (DOMAIN.md §6): stages 2-4.
VALLEY_OF_DEATH = (Stage.PROOF_OF_CONCEPT, Stage.PRINCIPLE_PROTOTYPE, Stage.TRIAL_PRODUCTION)

# Gate-review rubric: each criterion scored 1-5 by each reviewer; the weights (sum 1) follow the
# order of DOMAIN.md §6 (technology, market, IP, team, plan), technology and market weighing most
# as the two questions proof of concept answers ("can it work, will anyone buy it").
RUBRIC_WEIGHTS: dict[str, Decimal] = {
    "technology": Decimal("0.30"),
    "market": Decimal("0.25"),
    "ip": Decimal("0.15"),
    "team": Decimal("0.15"),
    "plan": Decimal("0.15"),
}
RUBRIC_LABELS = {
    "technology": _("technology"),
    "market": _("market"),
    "ip": _("IP"),
    "team": _("team"),
    "plan": _("plan"),
}
SCORE_MIN = 1
SCORE_MAX = 5
# "A panel of several reviewers": a decision needs at least this many scored reviews.
MIN_REVIEWERS = 2

# The project's status moves (DOMAIN.md §6 outcomes). A licensed result may still spin off or
# be acquired; a spin-off may be acquired; stopped and acquired are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStatus.ACTIVE: frozenset(
        {
            ProjectStatus.LICENSED,
            ProjectStatus.SPUN_OFF,
            ProjectStatus.ACQUIRED,
            ProjectStatus.STOPPED,
        }
    ),
    ProjectStatus.LICENSED: frozenset({ProjectStatus.SPUN_OFF, ProjectStatus.ACQUIRED}),
    ProjectStatus.SPUN_OFF: frozenset({ProjectStatus.ACQUIRED}),
    ProjectStatus.ACQUIRED: frozenset(),
    ProjectStatus.STOPPED: frozenset(),
}
OUTCOME_STATUS: dict[str, str] = {
    OutcomeKind.LICENSED: ProjectStatus.LICENSED,
    OutcomeKind.SPUN_OFF: ProjectStatus.SPUN_OFF,
    OutcomeKind.ACQUIRED: ProjectStatus.ACQUIRED,
    OutcomeKind.STOPPED: ProjectStatus.STOPPED,
}
# Stage moves: one step forward, through a gate review that decided "advance"; never back.
STAGE_STEP = 1

# A project is stalled when no milestone was met for this many days (dashboard default; the
# page takes ?stalled_days=).
STALLED_DAYS = 180
# Gate reviews due within this many days are "upcoming" on the dashboard.
UPCOMING_REVIEW_DAYS = 30

# The data version bumped by every write to a project (PocConfig.data_versions).
POC_DATA = "poc"


def trl_fits_stage(stage: int, trl: int) -> bool:
    """Whether `trl` lies in the band STAGE_TRL gives `stage`."""
    low, high = STAGE_TRL[stage]
    return low <= trl <= high
