"""The demo step: real caps and tiers, synthetic applicants ranked, a batch awarded once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import time_machine
from django.conf import settings

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.core.plugins import DemoContext
from chainlead.funds.demo import demo_approvals_step
from chainlead.governance.services import policies_load
from chainlead.programs.demo import awards_step
from chainlead.programs.models import Application, Award, Program


def test_demo_programs(districts: Any) -> None:
    admin = User.objects.create_superuser("admin", password=None)
    for name, role in (("finance", Role.FINANCE), ("reviewer", Role.REVIEWER)):
        user = User.objects.create_user(name, password=None)
        RoleGrant.objects.create(user=user, role=role)
    policies_load(actor=admin, path=Path(settings.SHARED_DATA_DIR) / "hangzhou" / "policies.csv")
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC), tick=False):
        context = DemoContext(log=lambda message: None)
        demo_approvals_step(context)
        awards_step(context)
        awards_step(context)  # idempotent
    college = Program.objects.get(slug="hz-college-startup-7")
    overseas = Program.objects.get(slug="hz-overseas-talent-2020")
    assert college.award_cap == Decimal("1000000.00")
    assert overseas.award_cap == Decimal("5000000.00")
    assert college.policy is not None and college.policy.title == "第七届中国杭州大学生创业大赛"
    assert college.provenance == "stated"
    ranked = Application.objects.filter(round__program=college, rank__isnull=False)
    assert ranked.count() == 4
    assert set(ranked.values_list("provenance", flat=True)) == {"synthetic"}
    # The overseas competition needs a returnee: the one team without one is ineligible.
    assert Application.objects.filter(round__program=overseas, status="ineligible").count() == 1
    batch_awards = Award.objects.filter(round__program__slug="xiaoshan-attracted-chain-firm")
    assert batch_awards.count() == 3
    assert {a.amount for a in batch_awards} == {Decimal("200000.00")}
