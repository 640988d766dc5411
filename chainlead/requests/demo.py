"""Requests in `chainlead load-demo`: the city's real departments, their routing rules and time
limits, and six months of synthetic requests worked through the services with the clock moved.

The departments are the city's own (their official names); which category goes where is the
demo's configuration, editable in the admin. The requests are made up and marked so everywhere:
each carries the tag `SYNTHETIC_TAG` and says so in its description, and the firms' contacts who
rate them are synthetic accounts without a password (`firm_contacts`). Every request is raised,
moved, resolved, confirmed and escalated through `chainlead.requests.services` with an explicit
`now=`, so timelines, notifications, audit entries and figures are those of real use.

Runs after the demo's users (900) and the AI chain's leader and task force: order 940.
Idempotent: a second run finds the synthetic tag in use and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.choices import Role
from chainlead.accounts.models import User
from chainlead.accounts.types import Actor
from chainlead.core.plugins import DemoContext
from chainlead.requests import escalation, services
from chainlead.requests.choices import Category, Channel, Status, Transition
from chainlead.requests.constants import DEFAULT_WORKING_DAYS
from chainlead.requests.generator import TITLES
from chainlead.requests.models import (
    Department,
    EnterpriseRequest,
    RoutingRule,
    Tag,
    TimeLimit,
)

if TYPE_CHECKING:
    from chainlead.chains.models import Chain
    from chainlead.registry.models import Enterprise

# The city departments that own firms' requests (official names; short names as commonly used).
DEPARTMENTS = (
    ("杭州市经济和信息化局", "市经信局"),
    ("杭州市科学技术局", "市科技局"),
    ("杭州市发展和改革委员会", "市发改委"),
    ("杭州市商务局", "市商务局"),
    ("杭州市市场监督管理局", "市市场监管局"),
    ("杭州市人力资源和社会保障局", "市人社局"),
    ("杭州市规划和自然资源局", "市规划资源局"),
    ("杭州市数据资源管理局", "市数据资源局"),
)
# The demo's routing: category → department (city-wide), then narrower rules for some chains.
CITY_ROUTES = {
    Category.PERMITS: "杭州市市场监督管理局",
    Category.TALENT_HOUSING: "杭州市人力资源和社会保障局",
    Category.FINANCE: "杭州市经济和信息化局",
    Category.LAND_SPACE: "杭州市规划和自然资源局",
    Category.SUPPLY_CHAIN: "杭州市经济和信息化局",
    Category.MARKET_ACCESS: "杭州市商务局",
    Category.DAILY_OPERATIONS: "杭州市经济和信息化局",
    Category.OTHER: "杭州市发展和改革委员会",
}
CHAIN_ROUTES = {
    # Computing power and data for the AI chain; R&D finance with the science bureau.
    ("ai", Category.SUPPLY_CHAIN): "杭州市数据资源管理局",
    ("ai", Category.FINANCE): "杭州市科学技术局",
    ("biomedicine", Category.FINANCE): "杭州市科学技术局",
}

SYNTHETIC_TAG = "合成演示数据"
SYNTHETIC_NOTE = "（合成演示数据：虚构的诉求，用于展示平台，不是该企业的真实诉求。）"
DAYS = 182
SEED = 20260601
PER_CHAIN_FIRMS = 8
AI_CHAIN = "ai"


@dataclass
class RequestsDemoReport:
    departments: int = 0
    rules: int = 0
    requests: int = 0
    escalated: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def departments_load() -> tuple[int, int]:
    """The departments, routing rules and time limits (created once; admin edits are kept)."""
    from chainlead.chains.models import Chain

    created = 0
    by_name: dict[str, Department] = {}
    for name, short in DEPARTMENTS:
        department = Department.objects.filter(name=name).first()
        if department is None:
            department = Department(name=name, short_name=short)
            department.full_clean()
            department.save()
            created += 1
        by_name[name] = department
    rules = 0
    chains = {c.slug: c for c in Chain.objects.all()}
    wanted: list[tuple[str, Chain | None, str]] = [(c, None, d) for c, d in CITY_ROUTES.items()]
    # A chain's rule only where the chain exists (a city may not have loaded that template).
    wanted += [(cat, chains[slug], d) for (slug, cat), d in CHAIN_ROUTES.items() if slug in chains]
    for category, chain, department_name in wanted:
        exists = RoutingRule.objects.filter(category=category, chain=chain, district=None)
        if exists.exists():
            continue
        rule = RoutingRule(category=category, chain=chain, department=by_name[department_name])
        rule.full_clean()
        rule.save()
        rules += 1
    for category, days in DEFAULT_WORKING_DAYS.items():
        if not TimeLimit.objects.filter(category=category).exists():
            limit = TimeLimit(category=category, working_days=days)
            limit.full_clean()
            limit.save()
    return created, rules


def _firm_contact(admin: User, firm: Enterprise) -> User:
    """A synthetic contact of `firm` who rates its requests (no password: cannot log in)."""
    from chainlead.accounts import services as accounts

    username = f"demo_contact_{firm.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = accounts.user_create(
            actor=admin,
            username=username,
            password=None,
            display_name=f"合成联系人·{(firm.short_name or firm.name)[:20]}",
        )
    if not user.grants.filter(role=Role.ENTERPRISE, enterprise=firm).exists():
        accounts.role_grant(actor=admin, user=user, role=Role.ENTERPRISE, enterprise=firm)
    return user


def _demo_firms(
    rng: random.Random, scopes: dict[str, Any]
) -> list[tuple[Enterprise, Chain | None]]:
    """(firm, chain) pairs: a few of each chain's accepted members, the demo firm and the
    district's firms first, so that every demo user has requests to see."""
    from chainlead.chains.choices import ReviewStatus
    from chainlead.chains.models import Chain, Membership

    pairs: list[tuple[Enterprise, Chain | None]] = []
    seen: set[int] = set()
    for chain in Chain.objects.order_by("pk"):
        members = list(
            Membership.objects.filter(segment__chain=chain, review_status=ReviewStatus.ACCEPTED)
            .filter(enterprise__city=settings.CHAINLEAD_CITY_NAME)
            .select_related("enterprise")
            .order_by("enterprise_id")
        )
        preferred = [
            m
            for m in members
            if m.enterprise_id == getattr(scopes.get("enterprise"), "pk", None)
            or (m.enterprise.district_id is not None)
        ]
        rest = [m for m in members if m not in preferred]
        rng.shuffle(rest)
        for membership in [*preferred, *rest][:PER_CHAIN_FIRMS]:
            if membership.enterprise_id in seen:
                continue
            seen.add(membership.enterprise_id)
            pairs.append((membership.enterprise, chain))
    firm = scopes.get("enterprise")
    if firm is not None and firm.pk not in seen:
        pairs.append((firm, None))
    return pairs


def _at(day: dt.datetime, rng: random.Random) -> dt.datetime:
    """`day` moved to office hours (09:00-17:59, local time)."""
    local = timezone.localtime(day)
    return local.replace(hour=rng.randint(9, 17), minute=rng.randint(0, 59), second=0)


@dataclass(frozen=True)
class Actors:
    admin: User
    task_force: User | None
    leader: User | None
    firm_user: User | None
    firm_id: int | None


def _is_ai(chain: Chain | None) -> bool:
    return chain is not None and chain.slug == AI_CHAIN


def _raise_one(
    *,
    rng: random.Random,
    actors: Actors,
    firm: Enterprise,
    chain: Chain | None,
    tag: Tag,
    number: int,
    now: dt.datetime,
) -> EnterpriseRequest:
    category = rng.choice(list(Category))
    channel = rng.choice(list(Channel))
    raised_at = _at(now - dt.timedelta(days=rng.uniform(1, DAYS)), rng)
    actor: Actor = actors.admin
    if channel == Channel.FIRM_PAGE and firm.pk == actors.firm_id and actors.firm_user:
        actor = actors.firm_user
    elif channel == Channel.TASK_FORCE_VISIT and actors.task_force and _is_ai(chain):
        actor = actors.task_force
    return services.request_raise(
        actor=actor,
        enterprise=firm,
        chain=chain,
        category=category,
        title=rng.choice(TITLES[Category(category)]),
        description=SYNTHETIC_NOTE,
        channel=channel,
        tags=[tag],
        hotline_ticket=f"DEMO-12345-{number:05d}" if channel == Channel.HOTLINE_12345 else None,
        now=raised_at,
    )


def _work(
    enterprise_request: EnterpriseRequest,
    *,
    rng: random.Random,
    admin: User,
    contact: User,
    now: dt.datetime,
) -> EnterpriseRequest:
    """Move `request` through its life cycle as far as the clock allows: each step is taken a
    few days after the last, and a step that would fall after `now` is not taken."""
    limit = enterprise_request.working_days_limit
    # Calendar days each step takes; resolution around the limit (×1.4 for weekends), some late.
    plan = [
        (Transition.ACCEPT, rng.uniform(0.1, 2)),
        (Transition.START, rng.uniform(0.2, 3)),
    ]
    if rng.random() < 0.15:
        plan += [
            (Transition.WAIT_FOR_FIRM, rng.uniform(1, 4)),
            (Transition.RESUME, rng.uniform(2, 8)),
        ]
    plan.append((Transition.RESOLVE, limit * 1.4 * rng.uniform(0.3, 1.5)))
    if rng.random() < 0.12:
        plan += [(Transition.REOPEN, rng.uniform(1, 4)), (Transition.RESOLVE, rng.uniform(2, 9))]
    plan.append((Transition.CONFIRM, rng.uniform(1, 6)))
    if rng.random() < 0.2:
        plan = plan[: rng.randint(0, len(plan) - 1)]  # some are still being worked on
    at = enterprise_request.raised_at
    for transition, days in plan:
        at = _at(at + dt.timedelta(days=days), rng) if days >= 1 else at + dt.timedelta(hours=2)
        if at >= now:
            break
        firm_side = transition in (Transition.CONFIRM, Transition.REOPEN)
        enterprise_request = services.request_transition(
            actor=contact if firm_side else admin,
            enterprise_request=enterprise_request,
            transition=transition,
            resolution="已协调相关部门办理。（合成演示）"
            if transition == Transition.RESOLVE
            else "",
            note="问题未解决，请继续协调。（合成演示）" if transition == Transition.REOPEN else "",
            rating=rng.choice([3, 4, 4, 5, 5, 5, 2]) if transition == Transition.CONFIRM else None,
            now=at,
        )
    return enterprise_request


def requests_demo_load(
    *, now: dt.datetime, scopes: dict[str, Any], count: int = 180
) -> RequestsDemoReport:
    """Departments and rules, then `count` synthetic requests raised over the last six months
    (once: nothing is added when the synthetic tag is already in use)."""
    report = RequestsDemoReport()
    report.departments, report.rules = departments_load()
    tag, _created = Tag.objects.get_or_create(name=SYNTHETIC_TAG)
    if tag.requests.exists():
        return report
    admin = User.objects.get(username="admin")
    firm = scopes.get("enterprise")
    actors = Actors(
        admin=admin,
        task_force=User.objects.filter(username="taskforce").first(),
        leader=User.objects.filter(username="chainleader").first(),
        firm_user=User.objects.filter(username="hikvision").first(),
        firm_id=getattr(firm, "pk", None),
    )
    rng = random.Random(SEED)  # noqa: S311  (synthetic data, seeded on purpose)
    pairs = _demo_firms(rng, scopes)
    if not pairs:
        return report
    contacts: dict[int, User] = {}
    for number in range(count):
        firm_obj, chain = pairs[number % len(pairs)] if number < len(pairs) else rng.choice(pairs)
        enterprise_request = _raise_one(
            rng=rng, actors=actors, firm=firm_obj, chain=chain, tag=tag, number=number, now=now
        )
        if firm_obj.pk == actors.firm_id and actors.firm_user is not None:
            contact = actors.firm_user
        else:
            contact = contacts.get(firm_obj.pk) or _firm_contact(admin, firm_obj)
        contacts[firm_obj.pk] = contact
        enterprise_request = _work(
            enterprise_request, rng=rng, admin=admin, contact=contact, now=now
        )
        report.by_status[enterprise_request.status] = (
            report.by_status.get(enterprise_request.status, 0) + 1
        )
        report.requests += 1
    # Overdue requests climb: to the task force twelve days ago, to the leader today.
    first = escalation.requests_escalate(now=now - dt.timedelta(days=12))
    second = escalation.requests_escalate(now=now)
    report.escalated = first.to_task_force + second.to_task_force + second.to_chain_leader
    if actors.leader is not None:
        # The AI chain's leader has taken one overdue request in hand.
        open_ai = (
            EnterpriseRequest.objects.filter(
                tags=tag, chain__slug=AI_CHAIN, status__in=[Status.IN_PROGRESS, Status.ACCEPTED]
            )
            .exclude(escalation_level=2)
            .order_by("deadline")
            .first()
        )
        if open_ai is not None:
            services.request_take(actor=actors.leader, enterprise_request=open_ai, now=now)
    return report


def demo_step(context: DemoContext) -> None:
    now = context.options.get("now") or timezone.now()
    report = requests_demo_load(now=now, scopes=context.scopes)
    context.log(
        _("Request departments: %(d)d new, routing rules: %(r)d new")
        % {"d": report.departments, "r": report.rules}
    )
    context.log(
        _("Synthetic requests: %(n)d over six months, %(e)d escalations")
        % {"n": report.requests, "e": report.escalated}
    )
