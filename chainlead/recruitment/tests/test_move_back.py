"""A target moved back a stage: with a reason, by the chain's task force, audited, in history."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chainlead.audit.models import AuditEntry
from chainlead.core.exceptions import PermissionDenied
from chainlead.recruitment.choices import Stage
from chainlead.recruitment.models import Target
from chainlead.recruitment.services import target_create, target_move, target_move_back


def _visited(actor, chain) -> Target:
    target = target_create(actor=actor, chain_id=chain.pk, name="强脑科技", location="上海")
    target = target_move(actor=actor, target=target, to_stage=Stage.CONTACTED)
    return target_move(actor=actor, target=target, to_stage=Stage.VISITED)


def test_move_back_one_stage_with_reason_audited_and_in_history(task_force, chain):
    target = _visited(task_force, chain)
    moved = target_move_back(actor=task_force, target=target, reason="对方决策人更换")
    assert moved.stage == Stage.CONTACTED
    last = moved.stage_changes.last()
    assert (last.from_stage, last.to_stage, last.note) == ("visited", "contacted", "对方决策人更换")
    assert last.is_backward and not moved.stage_changes.first().is_backward
    event = AuditEntry.objects.get(event="moved_back", object_id=str(target.pk))
    assert event.message == "对方决策人更换"


@pytest.mark.parametrize("stage", [Stage.IDENTIFIED, Stage.LANDED, Stage.LOST])
def test_nothing_to_move_back_to(task_force, chain, stage):
    target = target_create(actor=task_force, chain_id=chain.pk, name="X", location="上海")
    Target.objects.filter(pk=target.pk).update(stage=stage)
    with pytest.raises(ValidationError) as exc:
        target_move_back(actor=task_force, target=target, reason="x")
    assert "to_stage" in exc.value.message_dict
    assert Target.objects.get(pk=target.pk).stage == stage


def test_a_reason_is_required_and_nothing_changes(task_force, chain):
    target = _visited(task_force, chain)
    with pytest.raises(ValidationError) as exc:
        target_move_back(actor=task_force, target=target, reason="  ")
    assert "reason" in exc.value.message_dict
    assert Target.objects.get(pk=target.pk).stage == Stage.VISITED


def test_only_the_chains_task_force(task_force, other_task_force, auditor, chain):
    target = _visited(task_force, chain)
    for outsider in (other_task_force, auditor):
        with pytest.raises(PermissionDenied):
            target_move_back(actor=outsider, target=target, reason="x")
    assert Target.objects.get(pk=target.pk).stage == Stage.VISITED


def test_page_and_api(client, task_force, chain):
    target = _visited(task_force, chain)
    client.force_login(task_force)
    page = client.get(reverse("recruitment:target_detail", kwargs={"pk": target.pk}))
    assert b'id="move-back"' in page.content
    client.post(
        reverse("recruitment:target_move_back", kwargs={"pk": target.pk}), {"reason": "谈判搁置"}
    )
    assert Target.objects.get(pk=target.pk).stage == Stage.CONTACTED
    page = client.get(reverse("recruitment:target_detail", kwargs={"pk": target.pk}))
    assert b"data-backward" in page.content and "谈判搁置" in page.content.decode()
    response = client.post(
        f"/api/v1/recruitment/targets/{target.pk}/move-back",
        json.dumps({"reason": "再退一步"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "identified"
    refused = client.post(
        f"/api/v1/recruitment/targets/{target.pk}/move-back",
        json.dumps({"reason": "x"}),
        content_type="application/json",
    )
    assert refused.status_code == 422
