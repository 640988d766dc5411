"""Bulk review: ticked guesses accepted or rejected as one, audited, or none if one refuses."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from chainlead.audit.models import AuditEntry
from chainlead.chains.choices import MembershipSource, ReviewStatus
from chainlead.chains.models import Membership
from chainlead.chains.review import memberships_review_bulk
from chainlead.registry.services import enterprise_create


def _pending(world, side: str, n: int) -> list[Membership]:
    scope = world.side(side)
    made = []
    for i in range(n):
        firm = enterprise_create(
            actor=world.admin, name=f"Guess {side} {i}", district=scope.district
        )
        made.append(
            Membership.objects.create(
                enterprise=firm,
                segment=scope.segment,
                source=MembershipSource.TEXT_RULE,
                confidence=Decimal("0.4"),
                review_status=ReviewStatus.PENDING,
            )
        )
    return made


def _statuses(rows: list[Membership]) -> list[str]:
    return [Membership.objects.get(pk=m.pk).review_status for m in rows]


def test_accept_many_at_once_each_audited(world):
    rows = _pending(world, "own", 3)
    task_force = world.users["task_force"]
    memberships_review_bulk(actor=task_force, pks=[m.pk for m in rows], accept=True)
    assert _statuses(rows) == ["accepted"] * 3
    events = AuditEntry.objects.filter(event="membership_accepted")
    assert sorted(int(e.object_id) for e in events) == sorted(m.pk for m in rows)


def test_one_row_outside_the_queue_refuses_the_batch(world):
    own, other = _pending(world, "own", 2), _pending(world, "other", 1)
    task_force = world.users["task_force"]
    with pytest.raises(ValidationError) as exc:
        memberships_review_bulk(
            actor=task_force, pks=[*(m.pk for m in own), other[0].pk], accept=False
        )
    assert str(other[0].pk) in exc.value.message_dict["pk"][0]
    assert _statuses(own + other) == ["pending"] * 3
    assert not AuditEntry.objects.filter(event="membership_rejected").exists()


def test_a_row_decided_meanwhile_refuses_the_batch(world):
    rows = _pending(world, "own", 2)
    admin = world.admin
    memberships_review_bulk(actor=admin, pks=[rows[0].pk], accept=True)
    with pytest.raises(ValidationError):
        memberships_review_bulk(actor=admin, pks=[m.pk for m in rows], accept=False)
    assert _statuses(rows) == ["accepted", "pending"]


def test_the_page_ticks_and_decides(world):
    rows = _pending(world, "own", 2)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users["task_force"])
    page = client.get(reverse("chains:review_queue"))
    assert b'id="bulk-review"' in page.content
    assert f'name="pk" value="{rows[0].pk}" form="bulk-review"'.encode() in page.content
    response = client.post(
        reverse("chains:review_bulk"),
        {"pk": [m.pk for m in rows], "decision": "reject", "query": "sort=confidence"},
    )
    assert response["Location"] == reverse("chains:review_queue") + "?sort=confidence"
    assert _statuses(rows) == ["rejected", "rejected"]
    # The auditor reads the queue but decides nothing.
    auditor = Client()
    auditor.force_login(world.users["auditor"])
    more = _pending(world, "own", 1)
    refused = auditor.post(reverse("chains:review_bulk"), {"pk": more[0].pk, "decision": "accept"})
    assert refused.status_code == 403
    assert _statuses(more) == ["pending"]


def test_garbage_ticks_change_nothing(world):
    rows = _pending(world, "own", 1)
    client = Client()
    client.force_login(world.admin)
    client.post(reverse("chains:review_bulk"), {"pk": [rows[0].pk, "x"], "decision": "accept"})
    client.post(reverse("chains:review_bulk"), {"decision": "accept"})
    assert _statuses(rows) == ["pending"]
