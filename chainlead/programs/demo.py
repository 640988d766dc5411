"""Programs in `chainlead load-demo` (one step at 960: every write names an official, the demo's
users exist from 900, and the fund's books from 950).

Real, as /work/shared/data/hangzhou/policies.csv states them (linked to the governance
`PolicyItem` of each document): the two competitions of the article and their caps (1,000,000
and 5,000,000 CNY) and award tiers; the AI compute vouchers (≤ 8M CNY per firm per year) and
Xiaoshan's 200,000 CNY for each attracted above-scale chain firm. Synthetic, and marked so:
the rounds' dates, the applicants, their scores, the Xiaoshan fund and four Xiaoshan firms the
no-application batch finds (the public registry has no attracted above-scale firm there).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.utils import timezone
from django.utils.translation import gettext as _

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant, user_create
from chainlead.audit import context as audit_context
from chainlead.core.plugins import DemoContext
from chainlead.funds import services as funds
from chainlead.governance.models import PolicyItem
from chainlead.programs import services
from chainlead.programs.choices import Provenance
from chainlead.programs.models import Program
from chainlead.registry.models import District
from chainlead.registry.services import enterprise_create

STATED = Provenance.STATED
SYNTHETIC = Provenance.SYNTHETIC
RUBRIC = [
    {"name": "technology", "label": "技术", "max": 10, "weight": 0.4},
    {"name": "market", "label": "市场", "max": 10, "weight": 0.3},
    {"name": "team", "label": "团队", "max": 10, "weight": 0.3},
]
FORM = [
    {"name": "summary", "label": "项目简介", "type": "long_text", "required": True},
    {
        "name": "stage",
        "label": "所处阶段（创意、原型、已有营收）",
        "type": "text",
        "required": True,
    },
    {"name": "funding", "label": "已融资金额（元）", "type": "number", "required": False},
]


class Competition(TypedDict):
    """A demo competition: its policy, caps, budget line, prize tiers and eligibility rules."""

    slug: str
    policy: str
    cap: str
    line: str
    tiers: tuple[tuple[str, str], ...]
    rules: list[dict[str, Any]]


HANGZHOU: dict[str, Any] = {
    "kind": "registered_in",
    "label": "注册在杭州市",
    "logic": {"==": [{"var": "city"}, "杭州"]},
    "reason_template": "注册地 {city}，须为杭州",
}
NO_VIOLATIONS: dict[str, Any] = {
    "kind": "no_violations",
    "label": "无未解除的支付暂停",
    "logic": {"==": [{"var": "open_violations"}, 0]},
    "reason_template": "{open_violations} 项支付暂停未解除，须为零",
}
COMPETITIONS: tuple[Competition, ...] = (
    {
        "slug": "hz-college-startup-7",
        "policy": "第七届中国杭州大学生创业大赛",
        "cap": "1000000",
        "line": "policy:college-startup-competition",
        "tiers": (
            ("special prize", "1000000"),
            ("first prize", "500000"),
            ("second prize", "300000"),
            ("third prize", "200000"),
            ("top 100", "80000"),
            ("top 400", "50000"),
        ),
        "rules": [
            HANGZHOU,
            {
                "kind": "founded",
                "label": "近年成立（模拟条件）",
                "logic": {">=": [{"var": "founded"}, "2019-01-01"]},
                "reason_template": "成立于 {founded}，须在 2019-01-01 或之后（模拟条件）",
            },
            NO_VIOLATIONS,
        ],
    },
    {
        "slug": "hz-overseas-talent-2020",
        "policy": "创客天下·杭州市海外高层次人才创新创业大赛(2020)",
        "cap": "5000000",
        "line": "policy:overseas-talent-competition",
        "tiers": (
            ("first prize", "5000000"),
            ("second prize", "3000000"),
            ("third prize", "2000000"),
            ("finalist", "1000000"),
        ),
        "rules": [
            HANGZHOU,
            {
                "kind": "team",
                "label": "团队中有留学归国人员",
                "logic": {"some": [{"var": "team"}, {"var": "returnee"}]},
                "reason_template": "团队：{team}——须有一名成员曾在海外学习或工作",
            },
            NO_VIOLATIONS,
        ],
    },
)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _policy(title: str) -> PolicyItem | None:
    return PolicyItem.objects.filter(title=title).first()


def awards_step(context: DemoContext) -> None:
    admin, finance, reviewer = _user("admin"), _user("finance"), _user("reviewer")
    if admin is None or finance is None or reviewer is None:
        context.log(_("Programs: demo users missing, skipped"))
        return
    if Program.objects.filter(slug="hz-college-startup-7").exists():
        context.log(_("Programs: already loaded"))
        return
    with audit_context.acting_as(admin, source="demo"):
        _load(context, admin=admin, finance=finance, reviewer=reviewer)


def _round(admin: User, program: Program, today: dt.date) -> Any:
    return services.round_create(
        actor=admin,
        program=program,
        name=f"{today.year} (demo round, dates synthetic)",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=60),
        fiscal_year=today.year,
    )


def _load(context: DemoContext, *, admin: User, finance: User, reviewer: User) -> None:
    today = timezone.localdate()
    now = timezone.now()
    competitions = []
    for spec in COMPETITIONS:
        policy = _policy(spec["policy"])
        program = services.program_create(
            actor=admin,
            slug=spec["slug"],
            name=spec["policy"],
            kind="competition",
            award_cap=spec["cap"],
            policy=policy,
            amounts_source=policy.amounts if policy else "",
            form_schema=FORM,
            rubric=RUBRIC,
            reviewers_per_application=2,
            budget_reference=spec["line"],
            provenance=STATED,
            rules_list=list(spec["rules"]),
        )
        for order, (name, cap) in enumerate(spec["tiers"]):
            services.tier_create(actor=admin, program=program, name=name, cap=cap, order=order)
        competitions.append((program, _round(admin, program, today)))
    compute = services.program_create(
        actor=admin,
        slug="hz-ai-compute-vouchers",
        name="支持人工智能全产业链高质量发展的若干措施 · 算力券",
        kind="subsidy",
        award_cap="8000000",
        policy=_policy("支持人工智能全产业链高质量发展的若干措施"),
        amounts_source="<=30% of compute contract (<=20% other facilities), <=8M CNY per firm/yr",
        form_schema=[
            {
                "name": "contract",
                "label": "算力合同金额（元）",
                "type": "number",
                "required": True,
            }
        ],
        rubric=RUBRIC,
        budget_reference="policy:ai-compute-vouchers",
        provenance=STATED,
        rules_list=[HANGZHOU, NO_VIOLATIONS],
    )
    _round(admin, compute, today)
    batch_count = _xiaoshan(context, admin=admin, finance=finance, today=today, now=now)
    applied = _applicants(
        context, admin=admin, reviewer=reviewer, competitions=competitions, now=now
    )
    context.log(
        _(
            "Programs: 2 competitions and 2 policy grants (stated caps), %(applied)d synthetic "
            "applications reviewed and ranked, a no-application batch of %(firms)d firms"
        )
        % {"applied": applied, "firms": batch_count}
    )


def _xiaoshan(
    context: DemoContext, *, admin: User, finance: User, today: dt.date, now: dt.datetime
) -> int:
    xiaoshan = District.objects.filter(name="萧山区").first()
    grant = services.program_create(
        actor=admin,
        slug="xiaoshan-attracted-chain-firm",
        name="萧山区 · 引进规上产业链企业奖励",
        kind="policy_grant",
        award_cap="200000",
        district=xiaoshan,
        policy=_policy("关于深入实施创新强区战略加快萧山经济高质量发展的若干政策意见"),
        amounts_source="each attracted above-scale chain firm: 200k CNY",
        amount_logic=200000,
        provenance=STATED,
        rules_list=[
            {
                "kind": "registered_in",
                "label": "注册在萧山区",
                "logic": {"==": [{"var": "district"}, "萧山区"]},
                "reason_template": "注册区县 {district}，须为萧山区",
            },
            {
                "kind": "industry",
                "label": "外地招引企业",
                "logic": {"==": [{"var": "origin"}, "attracted"]},
                "reason_template": "企业来源 {origin}，须为招引",
            },
            {
                "kind": "size",
                "label": "规模以上企业",
                "logic": {"==": [{"var": "above_designated_size"}, True]},
                "reason_template": "是否规上：{above_designated_size}",
            },
            NO_VIOLATIONS,
        ],
    )
    round_ = _round(admin, grant, today)
    fund = funds.fund_create(
        actor=admin,
        name="萧山区产业扶持资金",
        district=xiaoshan,
        fiscal_year=today.year,
        appropriation="50000000.00",
        provenance="synthetic",
        source_note="synthetic appropriation for the programs demo",
        today=today,
    )
    services.program_budget_line_create(
        actor=admin, program=grant, fund=fund, amount="2000000.00", today=today
    )
    for n, (attracted, above) in enumerate(((1, 1), (1, 1), (1, 1), (0, 1), (1, 0))):
        enterprise_create(
            actor=admin,
            name=f"萧山示例企业{n + 1}（合成）",
            city="杭州",
            district=xiaoshan,
            founded=dt.date(2015 + n, 3, 1),
            origin="attracted" if attracted else "local",
            above_designated_size=bool(above),
            provenance="synthetic",
            source_note="synthetic: generated for the no-application demo",
        )
    batch = services.batch_compute(actor=admin, round_=round_, now=now)
    services.batch_approve(actor=finance, batch=batch, today=today, now=now)
    return batch.items.count()


def _applicants(
    context: DemoContext,
    *,
    admin: User,
    reviewer: User,
    competitions: list[tuple[Program, Any]],
    now: dt.datetime,
) -> int:
    """Synthetic teams' firms apply; three reviewers (the demo's and two synthetic) declare,
    are assigned and score; the rounds are ranked."""
    reviewers = [reviewer]
    for n, department in enumerate(("之江实验室", "西湖大学")):
        username = f"demo_reviewer_{n + 2}"
        user = _user(username) or user_create(
            actor=admin, username=username, password=None, department=department
        )
        role_grant(actor=admin, user=user, role="reviewer")
        reviewers.append(user)
    scores = iter(
        [(7, 6, 8), (5, 5, 6), (9, 7, 7), (4, 6, 5), (6, 8, 7), (8, 8, 9), (3, 4, 5), (7, 7, 6)] * 6
    )
    applied = 0
    for program, round_ in competitions:
        for n in range(4):
            firm = enterprise_create(
                actor=admin,
                name=f"{program.slug}-申报团队{n + 1}（合成）",
                city="杭州",
                founded=dt.date(2020 + n % 3, 6, 1),
                provenance="synthetic",
                source_note="synthetic applicant for the programs demo",
            )
            user = user_create(actor=admin, username=f"demo_{program.pk}_{n}", password=None)
            role_grant(actor=admin, user=user, role="enterprise", enterprise=firm)
            draft = services.application_create(
                actor=user,
                round_=round_,
                enterprise=firm,
                title=f"示例项目 {n + 1}（合成）",
                institution=("浙江大学", "之江实验室", "海外归国团队", "杭州电子科技大学")[n],
                team=[{"name": f"成员{n}", "age": 30 + n, "returnee": n != 1}],
                data={"summary": "合成的申报材料", "stage": "prototype", "funding": 1000000},
                provenance=SYNTHETIC,
            )
            services.application_submit(actor=user, application=draft, now=now)
            applied += 1
        panel = services.panel_create(
            actor=admin, round_=round_, name="评审组", reviewers=reviewers
        )
        for application in round_.applications.filter(status="submitted"):
            for member in reviewers:
                services.conflict_declare(
                    actor=member, panel=panel, application=application, conflict=False, now=now
                )
        for assignment in services.panel_assign(actor=admin, panel=panel):
            technology, market, team = next(scores)
            services.review_score(
                actor=assignment.reviewer,
                assignment=assignment,
                scores={"technology": technology, "market": market, "team": team},
                now=now,
                provenance=SYNTHETIC,
            )
        services.round_rank(actor=admin, round_=round_)
    return applied
