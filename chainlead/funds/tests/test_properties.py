"""Any sequence of commands from several officials keeps the ledger's invariants.

A hypothesis RuleBasedStateMachine drives the services (commit, schedule, approve, pay, pay
again, release, reverse, claw back) as three actors; after every step the invariants hold:
debits equal credits, no account below its floor, every tranche paid at most once, and the
cached balances equal the ones derived from the entries (`fund check` finds nothing).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from chainlead.funds import services
from chainlead.funds.checks import ledger_violations
from chainlead.funds.choices import AccountKind, EntryKind
from chainlead.funds.models import Account, Commitment, Entry, Tranche
from chainlead.funds.tests.conftest import TODAY, finance_user
from chainlead.registry.tests.factories import EnterpriseFactory

# Fen up to 400,000.00 CNY: some fit the lines, some do not.
amounts = st.integers(min_value=1, max_value=40_000_000).map(lambda n: Decimal(n) / 100)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.actors: list[Any] = []

    @initialize()
    def books(self) -> None:
        self.actors = [finance_user(f"prop-{n}") for n in range(3)]
        self.firms = [EnterpriseFactory(), EnterpriseFactory()]
        fund = services.fund_create(
            actor=self.actors[0],
            name="prop",
            district=None,
            fiscal_year=2026,
            appropriation="1000000",
            today=TODAY,
        )
        self.lines = [
            services.budget_line_create(
                actor=self.actors[0], fund=fund, name=f"l{n}", amount="300000", today=TODAY
            )
            for n in range(2)
        ]

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _try(self, command: Any) -> None:
        try:
            with transaction.atomic():
                command()
        except ValidationError:
            pass  # a refused command must leave the ledger as it was: the invariants check

    @rule(actor=st.integers(0, 2), line=st.integers(0, 1), firm=st.integers(0, 1), amount=amounts)
    def commit(self, actor: int, line: int, firm: int, amount: Decimal) -> None:
        self._try(
            lambda: services.commitment_create(
                actor=self.actors[actor],
                line=Account.objects.get(pk=self.lines[line].pk),
                recipient_enterprise=self.firms[firm],
                amount=amount,
                reference="p",
                today=TODAY,
            )
        )

    @rule(actor=st.integers(0, 2), pick=st.integers(0, 50), amount=amounts)
    def schedule(self, actor: int, pick: int, amount: Decimal) -> None:
        commitments = list(Commitment.objects.order_by("pk"))
        if commitments:
            c = commitments[pick % len(commitments)]
            self._try(
                lambda: services.tranche_create(
                    actor=self.actors[actor], commitment=c, amount=amount, due_on=TODAY
                )
            )

    @rule(actor=st.integers(0, 2), pick=st.integers(0, 50))
    def approve(self, actor: int, pick: int) -> None:
        tranches = list(Tranche.objects.order_by("pk"))
        if tranches:
            t = tranches[pick % len(tranches)]
            self._try(lambda: services.tranche_approve(actor=self.actors[actor], tranche=t))

    @rule(actor=st.integers(0, 2), pick=st.integers(0, 50), key=st.sampled_from([None, "a", "b"]))
    def pay(self, actor: int, pick: int, key: str | None) -> None:
        tranches = list(Tranche.objects.order_by("pk"))
        if tranches:
            t = tranches[pick % len(tranches)]
            self._try(
                lambda: services.tranche_disburse(
                    actor=self.actors[actor],
                    tranche=t,
                    idempotency_key=f"{key}-{t.pk}" if key else None,
                    today=TODAY,
                )
            )

    @rule(actor=st.integers(0, 2), pick=st.integers(0, 50))
    def release(self, actor: int, pick: int) -> None:
        commitments = list(Commitment.objects.order_by("pk"))
        if commitments:
            c = commitments[pick % len(commitments)]
            self._try(
                lambda: services.commitment_release(
                    actor=self.actors[actor], commitment=c, today=TODAY
                )
            )

    @rule(actor=st.integers(0, 2), pick=st.integers(0, 200))
    def reverse(self, actor: int, pick: int) -> None:
        entries = list(Entry.objects.order_by("pk"))
        if entries:
            e = entries[pick % len(entries)]
            self._try(
                lambda: services.entry_reverse(
                    actor=self.actors[actor], entry=e, reason="prop", today=TODAY
                )
            )

    @rule(actor=st.integers(0, 2), pick=st.integers(0, 50), amount=amounts)
    def claw_back(self, actor: int, pick: int, amount: Decimal) -> None:
        commitments = list(Commitment.objects.order_by("pk"))
        if commitments:
            c = commitments[pick % len(commitments)]
            self._try(
                lambda: services.clawback_record(
                    actor=self.actors[actor], commitment=c, amount=amount, reason="p", today=TODAY
                )
            )

    @invariant()
    def ledger_holds(self) -> None:
        if not self.actors:
            return
        assert ledger_violations() == []
        accounts = list(Account.objects.all())
        assert sum(a.debits_posted for a in accounts) == sum(a.credits_posted for a in accounts)
        for a in accounts:
            if a.kind != AccountKind.TREASURY:
                assert a.balance >= 0, a
        paid = Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count()
        reversed_ = Entry.objects.filter(
            kind=EntryKind.REVERSAL, reverses__kind=EntryKind.DISBURSEMENT
        ).count()
        assert paid - reversed_ == Tranche.objects.filter(status="paid").count()


@pytest.mark.django_db
def test_any_sequence_of_commands_keeps_the_ledger() -> None:
    LedgerMachine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    LedgerMachine.TestCase().runTest()
