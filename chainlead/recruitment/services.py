"""Writes of the recruitment pipeline: every move checked, recorded and audited."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor
from chainlead.audit.services import record_event
from chainlead.chains.permissions import edits_chain
from chainlead.core.exceptions import PermissionDenied
from chainlead.recruitment.choices import PIPELINE, ActivityKind, PromiseKind, Stage
from chainlead.recruitment.models import Activity, Promise, StageChange, Target
from chainlead.registry.choices import Origin
from chainlead.registry.models import District, Enterprise
from chainlead.registry.services import enterprise_create_attracted


def _require_chain_editor(actor: Actor, chain_id: int) -> None:
    if not edits_chain(access_for(actor), chain_id):
        raise PermissionDenied(_("Recruitment is the task force's work for its own chain."))


def allowed_next_stages(stage: str) -> list[Stage]:
    """Forward one step at a time; any open stage may be lost; a lost target may be reopened."""
    if stage == Stage.LOST:
        return [Stage.IDENTIFIED]
    if stage == Stage.LANDED:
        return []
    index = PIPELINE.index(Stage(stage))
    return [PIPELINE[index + 1], Stage.LOST]


@transaction.atomic
def target_create(
    *, actor: Actor, chain_id: int, name: str, location: str, **fields: Any
) -> Target:
    _require_chain_editor(actor, chain_id)
    target = Target(chain_id=chain_id, name=name, location=location, **fields)
    target.full_clean()
    target.save()
    StageChange.objects.create(
        target=target, from_stage="", to_stage=target.stage, by=_user_or_none(actor)
    )
    return target


def _user_or_none(actor: Actor) -> Any:
    return actor if actor is not None and getattr(actor, "pk", None) else None


@transaction.atomic
def target_move(
    *, actor: Actor, target: Target, to_stage: str, note: str = "", lost_reason: str = ""
) -> Target:
    """Move `target` to `to_stage` if the pipeline allows it. Landing goes through target_land."""
    locked = Target.objects.select_for_update().get(pk=target.pk)
    _require_chain_editor(actor, locked.chain_id)
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown stage: %(s)s") % {"s": to_stage}})
    if to_stage == Stage.LANDED:
        raise ValidationError(_("Use 'land' to record where and when the firm landed."))
    if to_stage not in allowed_next_stages(locked.stage):
        raise ValidationError(
            _("A target in stage %(from)s cannot move to %(to)s.")
            % {"from": Stage(locked.stage).label, "to": Stage(to_stage).label}
        )
    if to_stage == Stage.LOST and not lost_reason.strip():
        raise ValidationError({"lost_reason": _("Say why the target was lost.")})
    from_stage = locked.stage
    locked.stage = to_stage
    locked.lost_reason = lost_reason.strip() if to_stage == Stage.LOST else ""
    locked.version += 1
    locked.full_clean()
    locked.save()
    StageChange.objects.create(
        target=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        by=_user_or_none(actor),
        note=note or lost_reason,
    )
    return locked


def previous_stage(stage: str) -> Stage | None:
    """The stage a target may be moved back to: one step, from an open stage past the first."""
    if stage not in PIPELINE or stage in (Stage.IDENTIFIED, Stage.LANDED):
        return None
    return PIPELINE[PIPELINE.index(Stage(stage)) - 1]


@transaction.atomic
def target_move_back(*, actor: Actor, target: Target, reason: str) -> Target:
    """Move `target` back one stage (a visit that went nowhere, talks that stalled), saying
    why; the stage history keeps both moves. Landed and lost targets stay where they are."""
    locked = Target.objects.select_for_update().get(pk=target.pk)
    _require_chain_editor(actor, locked.chain_id)
    back_to = previous_stage(locked.stage)
    if back_to is None:
        raise ValidationError(
            {
                "to_stage": _("A target in stage %(from)s cannot be moved back.")
                % {"from": Stage(locked.stage).label}
            }
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the target is moved back.")})
    from_stage = locked.stage
    locked.stage = back_to
    locked.version += 1
    locked.full_clean()
    locked.save()
    StageChange.objects.create(
        target=locked, from_stage=from_stage, to_stage=back_to, by=_user_or_none(actor), note=reason
    )
    record_event(
        instance=locked,
        event="moved_back",
        message=reason,
        data={"from": from_stage, "to": back_to.value},
    )
    return locked


@transaction.atomic
def target_land(
    *,
    actor: Actor,
    target: Target,
    district: District,
    landed_on: dt.date,
    credit_code: str | None = None,
) -> Enterprise:
    """The signed target has landed: it becomes an attracted enterprise, exactly once."""
    locked = Target.objects.select_for_update().select_related("chain").get(pk=target.pk)
    _require_chain_editor(actor, locked.chain_id)
    if locked.landed_enterprise_id is not None:
        return Enterprise.objects.get(pk=locked.landed_enterprise_id)  # pressing twice is harmless
    if locked.stage != Stage.SIGNED:
        raise ValidationError(_("Only a signed target can land."))
    enterprise = enterprise_create_attracted(
        actor=actor,
        name=locked.name,
        credit_code=credit_code or None,
        district=district,
        industry=locked.industry,
        employees=locked.employees,
        origin=Origin.ATTRACTED,
        origin_place=locked.location,
        landed_on=landed_on,
        main_business=locked.main_business,
        recruitment_effort=str(_("Recruitment target #%(id)s (%(chain)s)"))
        % {"id": locked.pk, "chain": locked.chain.name},
    )
    if locked.segment_id is not None:
        from chainlead.chains.models import Membership

        Membership.objects.create(
            enterprise=enterprise, segment_id=locked.segment_id, source="manual"
        )
    from_stage = locked.stage
    locked.stage = Stage.LANDED
    locked.landed_enterprise = enterprise
    locked.version += 1
    locked.save()
    StageChange.objects.create(
        target=locked, from_stage=from_stage, to_stage=Stage.LANDED, by=_user_or_none(actor)
    )
    record_event(
        instance=locked,
        event="landed",
        message=f"{locked.name} landed in {district.name} on {landed_on.isoformat()}",
        data={"enterprise_id": enterprise.pk},
    )
    return enterprise


@transaction.atomic
def activity_log(*, actor: Actor, target: Target, kind: str, on: dt.date, summary: str) -> Activity:
    _require_chain_editor(actor, target.chain_id)
    activity = Activity(
        target=target,
        kind=ActivityKind(kind),
        on=on,
        summary=summary,
        logged_by=_user_or_none(actor),
    )
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def promise_set(
    *, actor: Actor, target: Target, kind: str, amount: Decimal, due_year: int
) -> Promise:
    _require_chain_editor(actor, target.chain_id)
    promise, _created = Promise.objects.update_or_create(
        target=target,
        kind=PromiseKind(kind),
        due_year=due_year,
        defaults={"amount": amount},
    )
    promise.full_clean()
    return promise
