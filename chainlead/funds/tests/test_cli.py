import json

import pytest
from django.core.management import CommandError, call_command

from chainlead.funds import services
from chainlead.funds.choices import EntryKind
from chainlead.funds.models import Account, Entry
from chainlead.funds.tests.conftest import TODAY


@pytest.fixture
def due_tranche(finance, finance2, line, firm):
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount="5000",
        reference="cli",
        today=TODAY,
    )
    tranche = services.tranche_create(
        actor=finance, commitment=commitment, amount="2000", due_on=TODAY
    )
    services.tranche_create(
        actor=finance, commitment=commitment, amount="3000", due_on=TODAY.replace(year=2027)
    )
    return services.tranche_approve(actor=finance2, tranche=tranche)


def test_tranches_due_as_json(due_tranche, capsys):
    call_command("fund", "tranches", "--status", "due", "--format", "json", "--today", "2026-03-02")
    rows = json.loads(capsys.readouterr().out)
    assert [(r["ref"], r["amount"]) for r in rows] == [(due_tranche.ref, "2000.00")]
    assert rows[0]["recipient"] == due_tranche.commitment.recipient.name


def test_disburse_pays_once_then_says_why_not(due_tranche, finance, capsys):
    call_command(
        "fund", "disburse", due_tranche.ref, "--as", finance.username, "--today", "2026-03-02"
    )
    assert "paid" in capsys.readouterr().out
    entries = Entry.objects.count()
    with pytest.raises(CommandError, match="already_paid"):
        call_command("fund", "disburse", due_tranche.ref, "--as", finance.username)
    assert Entry.objects.count() == entries
    assert Entry.objects.filter(kind=EntryKind.DISBURSEMENT).count() == 1


def test_disburse_refuses_an_unapproved_tranche(finance, line, firm):
    commitment = services.commitment_create(
        actor=finance,
        line=line,
        recipient_enterprise=firm,
        amount="10",
        reference="x",
        today=TODAY,
    )
    tranche = services.tranche_create(
        actor=finance, commitment=commitment, amount="10", due_on=TODAY
    )
    with pytest.raises(CommandError, match="not_approved"):
        call_command("fund", "disburse", tranche.ref, "--as", finance.username)


def test_check_passes_and_then_finds_a_tampered_balance(due_tranche, capsys):
    call_command("fund", "check")
    assert "ok" in capsys.readouterr().out
    line = Account.objects.filter(kind="budget_line").get()
    # A cached balance edited behind the services' back (still above its floor).
    Account.objects.filter(pk=line.pk).update(credits_posted=line.credits_posted + 1)
    with pytest.raises(SystemExit) as exit_:
        call_command("fund", "check")
    assert exit_.value.code == 1
    assert f"account {line.pk}" in capsys.readouterr().out
