import datetime as dt

import time_machine
from django.core.management import call_command

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.core.plugins import DemoContext
from chainlead.funds.checks import ledger_violations
from chainlead.funds.demo import demo_approvals_step
from chainlead.funds.models import Account, Fund, Tranche
from chainlead.funds.selectors import share_warnings
from chainlead.registry.tests.factories import EnterpriseFactory


def test_demo_books_leave_a_tranche_payable_by_finance(districts, capsys):
    User.objects.create_superuser("admin", password=None)
    finance = User.objects.create_user("finance", password=None)
    RoleGrant.objects.create(user=finance, role=Role.FINANCE)
    for _ in range(3):
        EnterpriseFactory(district=districts["滨江区"])
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=dt.UTC), tick=False):
        demo_approvals_step(DemoContext(log=lambda message: None))
        demo_approvals_step(DemoContext(log=lambda message: None))  # idempotent
        assert Fund.objects.filter(fiscal_year=2026).count() == 2
        compute = Account.objects.get(reference="policy:ai-compute-vouchers")
        assert compute.balance == 250_000_000  # as the document states it
        assert compute.provenance == "stated"
        due = Tranche.objects.filter(status="approved", due_on__lte=dt.date(2026, 5, 6))
        assert due.count() >= 2
        call_command("fund", "disburse", due.first().ref, "--as", "finance")
    assert ledger_violations() == []
    assert [w.district_name for w in share_warnings()] == ["滨江区"]
