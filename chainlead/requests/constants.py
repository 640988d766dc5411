"""Rule constants of the requests app, each with its source."""

from dataclasses import dataclass

from chainlead.requests.choices import Category, Status, Transition

# Default time limits in working days per category, used when an admin has not set one
# (TimeLimit rows override them). Modelled on Zhejiang's 涉企问题高效闭环 practice
# ("企业码"/"助企服务" platforms: simple matters within 5 working days, complex ones within
# 10-15); the city sets its own in the admin.
DEFAULT_WORKING_DAYS = {
    Category.PERMITS: 10,
    Category.TALENT_HOUSING: 10,
    Category.FINANCE: 15,
    Category.LAND_SPACE: 20,
    Category.SUPPLY_CHAIN: 10,
    Category.MARKET_ACCESS: 15,
    Category.DAILY_OPERATIONS: 5,
    Category.OTHER: 10,
}

# After the first escalation the task force has this many working days before the request
# climbs to the chain leader (DOMAIN.md §4: "escalated to the task force and then the chain
# leader when it is overdue").
LEADER_ESCALATION_WORKING_DAYS = 5

# Attachments: what a firm or department may upload.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "txt", "csv")

# Recurring problems: a tag or category raised by at least this many distinct firms within
# the period is a candidate for a policy fix.
RECURRING_MIN_FIRMS = 3
RECURRING_PERIOD_DAYS = 90

# The hotline export (12345 政务服务便民热线) is read in one transaction up to this size.
HOTLINE_MAX_ROWS = 50_000

# The data version bumped by every write to a request (RequestsConfig.data_versions).
REQUESTS_DATA = "requests"

HANDLER = "handler"
FIRM = "firm"
FIRM_USER = "firm user"  # the firm's own users only (not the commissioner who raised it)


@dataclass(frozen=True)
class TransitionRule:
    sources: tuple[Status, ...]
    target: Status
    parties: frozenset[str]


# The life cycle (issue 3 item 5). Nothing else moves a request: no skipping, and only the
# named party may act (handler = the department, the chain's task force, the city admin, or the
# chain leader once it reached them; firm = the firm's users or the commissioner who raised it;
# firm user = the firm's users alone: only they rate, issue 9 item 1).
TRANSITIONS: dict[Transition, TransitionRule] = {
    Transition.ACCEPT: TransitionRule((Status.RAISED,), Status.ACCEPTED, frozenset({HANDLER})),
    Transition.START: TransitionRule((Status.ACCEPTED,), Status.IN_PROGRESS, frozenset({HANDLER})),
    Transition.WAIT_FOR_FIRM: TransitionRule(
        (Status.IN_PROGRESS,), Status.WAITING_FIRM, frozenset({HANDLER})
    ),
    Transition.RESUME: TransitionRule(
        (Status.WAITING_FIRM,), Status.IN_PROGRESS, frozenset({HANDLER, FIRM})
    ),
    Transition.RESOLVE: TransitionRule(
        (Status.IN_PROGRESS,), Status.RESOLVED, frozenset({HANDLER})
    ),
    Transition.CONFIRM: TransitionRule(
        (Status.RESOLVED,), Status.CONFIRMED, frozenset({FIRM_USER})
    ),
    Transition.REOPEN: TransitionRule((Status.RESOLVED,), Status.IN_PROGRESS, frozenset({FIRM})),
}

# The years a working-day override (CalendarOverride) may name: the platform's records start
# after 1990, and a deadline is never computed beyond 2100.
CALENDAR_FIRST_YEAR = 1990
CALENDAR_LAST_YEAR = 2100
