"""A payment killed mid-transaction (SIGKILL after the payment rows, before the commit).

The test runs the real command in a subprocess against a database of its own (a SQLite file,
or a scratch PostgreSQL database when DATABASE_URL names PostgreSQL), kills it at the fault
point (CHAINLEAD_FUNDS_SLEEP_BEFORE_COMMIT makes the service print a line and sleep there),
and checks after restart: `fund check` passes and the tranche was paid not at all; paying it
again then pays it once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chainlead.funds.constants import SLEEP_BEFORE_COMMIT_ENV

CHAINLEAD = str(Path(sys.executable).with_name("chainlead"))

SEED = """
from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant, User
from chainlead.funds import services
from chainlead.registry.tests.factories import EnterpriseFactory
import datetime as dt
today = dt.date(2026, 3, 2)
a = User.objects.create_user("fault-a", password=None)
b = User.objects.create_user("fault-b", password=None)
for u in (a, b):
    RoleGrant.objects.create(user=u, role=Role.FINANCE)
fund = services.fund_create(actor=a, name="fault", district=None, fiscal_year=2026,
                            appropriation="1000", today=today)
line = services.budget_line_create(actor=a, fund=fund, name="l", amount="800", today=today)
c = services.commitment_create(actor=a, line=line, recipient_enterprise=EnterpriseFactory(),
                               amount="500", reference="fault", today=today)
t = services.tranche_create(actor=a, commitment=c, amount="500", due_on=today)
services.tranche_approve(actor=b, tranche=t)
print(t.ref)
"""

COUNT = """
from chainlead.funds.models import Entry, Tranche
print(Entry.objects.filter(kind="disbursement").count(), Tranche.objects.get().status)
"""


@pytest.fixture
def scratch_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != SLEEP_BEFORE_COMMIT_ENV}
    env["DJANGO_DEBUG"] = "1"
    env["DATABASE_CONN_MAX_AGE"] = "0"
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        # Named after the suite's database and the xdist worker, so no two runs share it.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        scratch = f"{name.split('?')[0]}_funds_fault_{worker}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {scratch}")
            conn.execute(f"CREATE DATABASE {scratch}")
        env["DATABASE_URL"] = f"{base}/{scratch}"
        yield env
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fault.sqlite3'}"
        yield env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHAINLEAD, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _last_line(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1].split()


def test_a_payment_killed_before_its_commit_leaves_the_ledger_whole(
    scratch_env: dict[str, str],
) -> None:
    assert _run(scratch_env, "migrate", "-v0").returncode == 0
    seeded = _run(scratch_env, "shell", "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr
    ref = seeded.stdout.strip().splitlines()[-1]

    faulty = subprocess.Popen(
        [CHAINLEAD, "fund", "disburse", ref, "--as", "fault-a", "--today", "2026-03-02"],
        env={**scratch_env, SLEEP_BEFORE_COMMIT_ENV: "60"},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert faulty.stdout is not None
    deadline = time.monotonic() + 120
    line = ""
    while time.monotonic() < deadline and "FUNDS-FAULT-POINT" not in line:
        line = faulty.stdout.readline()
    assert "FUNDS-FAULT-POINT" in line
    faulty.send_signal(signal.SIGKILL)
    faulty.wait(timeout=30)
    assert faulty.returncode == -signal.SIGKILL

    check = _run(scratch_env, "fund", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert _last_line(_run(scratch_env, "shell", "-c", COUNT)) == ["0", "approved"]  # not paid

    again = _run(scratch_env, "fund", "disburse", ref, "--as", "fault-a", "--today", "2026-03-02")
    assert again.returncode == 0, again.stderr
    assert _last_line(_run(scratch_env, "shell", "-c", COUNT)) == ["1", "paid"]
    assert _run(scratch_env, "fund", "check").returncode == 0
