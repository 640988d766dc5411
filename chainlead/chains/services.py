"""Writes to chains: chains from templates, segments, links and memberships.

Who may write: a city admin, or a task-force member of the chain (`Access.edits_chain`). The
system itself (actor=None) may write only from a command or a background task, i.e. inside
`acting_as(None, source="cli")` or `acting_as(None, source="task")`, so that every system write is
attributed in the audit log and a view can never pass `actor=None` by accident.

Saves bump `DataVersion("chains")` through the signals in `chains/signals.py`; services only
write when something changed, so re-running a loader leaves the audit log and the cached chain maps
alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor, acting_user
from chainlead.audit import context as audit_context
from chainlead.audit.services import record_event
from chainlead.chains.choices import MembershipRole, MembershipSource, ReviewStatus
from chainlead.chains.constants import TEXT_RULE_AUTO_ACCEPT
from chainlead.chains.models import Chain, Membership, Segment, SegmentLink
from chainlead.chains.permissions import edits_chain
from chainlead.chains.templates_data import ChainTemplate
from chainlead.core.exceptions import PermissionDenied
from chainlead.registry.models import Enterprise, Industry

# Sources under which the system actor (None) may write: management commands and tasks.
SYSTEM_SOURCES = frozenset({"cli", "task"})


def is_system_context(actor: Actor) -> bool:
    """True when `actor` is the system acting inside `acting_as(None, source="cli"|"task")`."""
    ctx = audit_context.current()
    return actor is None and ctx.actor is None and ctx.source in SYSTEM_SOURCES


def _check_chain_edit(actor: Actor, chain: Chain | None) -> None:
    if actor is None:
        if is_system_context(actor):
            return
        raise PermissionDenied(
            "The system may only edit chains inside acting_as(None, source='cli' or 'task')."
        )
    access = access_for(actor)
    if chain is None:
        if not access.is_admin:
            raise PermissionDenied("Only city admins create chains.")
    elif not edits_chain(access, chain.pk):
        raise PermissionDenied("You may not edit this chain.")


def _check_codes(codes: list[str]) -> None:
    known = set(Industry.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError({"industry_codes": f"Not GB/T 4754-2017 codes: {', '.join(unknown)}"})


def _clean_list(values: Any, field: str) -> list[str]:
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ValidationError({field: "A list of strings is required."})
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return out


def _apply(obj: Any, changes: dict[str, Any]) -> bool:
    changed = False
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


@transaction.atomic
def chain_create(
    *,
    actor: Actor,
    slug: str,
    name: str,
    name_en: str = "",
    order: int = 0,
    description: str = "",
    description_en: str = "",
) -> Chain:
    _check_chain_edit(actor, None)
    chain = Chain(
        slug=slug,
        name=name,
        name_en=name_en,
        order=order,
        description=description,
        description_en=description_en,
    )
    chain.full_clean()
    chain.save()
    return chain


@transaction.atomic
def chain_update(*, actor: Actor, chain: Chain, **changes: Any) -> Chain:
    _check_chain_edit(actor, chain)
    unknown = set(changes) - {"name", "name_en", "order", "description", "description_en"}
    if unknown:
        raise TypeError(f"Unknown chain fields: {sorted(unknown)}")
    if _apply(chain, changes):
        chain.full_clean()
        chain.save()
    return chain


@transaction.atomic
def segment_create(
    *,
    actor: Actor,
    chain: Chain,
    slug: str,
    name: str,
    order: int,
    name_en: str = "",
    industry_codes: list[str] | tuple[str, ...] = (),
    keywords: list[str] | tuple[str, ...] = (),
    description: str = "",
    description_en: str = "",
) -> Segment:
    _check_chain_edit(actor, chain)
    codes = _clean_list(list(industry_codes), "industry_codes")
    _check_codes(codes)
    segment = Segment(
        chain=chain,
        slug=slug,
        name=name,
        name_en=name_en,
        order=order,
        industry_codes=codes,
        keywords=_clean_list(list(keywords), "keywords"),
        description=description,
        description_en=description_en,
    )
    segment.full_clean()
    segment.save()
    return segment


SEGMENT_FIELDS = (
    "name",
    "name_en",
    "order",
    "industry_codes",
    "keywords",
    "description",
    "description_en",
)


@transaction.atomic
def segment_update(*, actor: Actor, segment: Segment, **changes: Any) -> Segment:
    _check_chain_edit(actor, segment.chain)
    unknown = set(changes) - set(SEGMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown segment fields: {sorted(unknown)}")
    if "industry_codes" in changes:
        changes["industry_codes"] = _clean_list(list(changes["industry_codes"]), "industry_codes")
        _check_codes(changes["industry_codes"])
    if "keywords" in changes:
        changes["keywords"] = _clean_list(list(changes["keywords"]), "keywords")
    if _apply(segment, changes):
        segment.full_clean()
        segment.save()
    return segment


@transaction.atomic
def segment_link_create(*, actor: Actor, upstream: Segment, downstream: Segment) -> SegmentLink:
    """Record that `upstream` feeds `downstream`; returns the existing link if there is one."""
    _check_chain_edit(actor, upstream.chain)
    if upstream.chain_id != downstream.chain_id:
        raise ValidationError("Both segments of a link must belong to the same chain.")
    existing = SegmentLink.objects.filter(upstream=upstream, downstream=downstream).first()
    if existing is not None:
        return existing
    link = SegmentLink(upstream=upstream, downstream=downstream)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def chain_create_from_template(*, actor: Actor, template: ChainTemplate) -> Chain:
    """Create the chain of `template`, or bring an existing one up to date (idempotent).

    Segments are matched by slug. Segments the city added by hand are kept; so are links.
    """
    chain = Chain.objects.filter(slug=template.slug).first()
    fields: dict[str, Any] = {
        "name": template.name,
        "name_en": template.name_en,
        "order": template.order,
        "description": template.description,
        "description_en": template.description_en,
    }
    if chain is None:
        chain = chain_create(actor=actor, slug=template.slug, **fields)
    else:
        chain = chain_update(actor=actor, chain=chain, **fields)

    existing = {s.slug: s for s in Segment.objects.filter(chain=chain)}
    wanted_orders = {t.slug: t.order for t in template.segments}
    # Orders are unique within a chain: move segments whose position changes out of the way first.
    moving = [
        s
        for slug, s in existing.items()
        if slug in wanted_orders and s.order != wanted_orders[slug]
    ]
    taken = {s.order for s in existing.values()} | set(wanted_orders.values())
    spare = max(taken, default=0) + 1
    for s in moving:
        segment_update(actor=actor, segment=s, order=spare)
        spare += 1
    occupied_by_others = {s.order: s for slug, s in existing.items() if slug not in wanted_orders}
    for t in template.segments:
        blocker = occupied_by_others.pop(t.order, None)
        if blocker is not None:  # a hand-made segment sits where the template wants one
            segment_update(actor=actor, segment=blocker, order=spare)
            spare += 1
        values: dict[str, Any] = {
            "name": t.name,
            "name_en": t.name_en,
            "order": t.order,
            "industry_codes": list(t.industry_codes),
            "keywords": list(t.keywords),
            "description": t.description,
            "description_en": t.description_en,
        }
        segment = existing.get(t.slug)
        if segment is None:
            existing[t.slug] = segment_create(actor=actor, chain=chain, slug=t.slug, **values)
        else:
            segment_update(actor=actor, segment=segment, **values)
    for up, down in template.links:
        segment_link_create(actor=actor, upstream=existing[up], downstream=existing[down])
    return chain


def _review_status_for(source: str, confidence: Decimal | None, stated: bool = False) -> str:
    if source == MembershipSource.TEXT_RULE:
        if stated or (confidence is not None and confidence >= TEXT_RULE_AUTO_ACCEPT):
            return ReviewStatus.ACCEPTED
        return ReviewStatus.PENDING
    return ReviewStatus.ACCEPTED


def membership_would_change(
    membership: Membership,
    *,
    source: str,
    confidence: Decimal | None,
    evidence: str,
    stated: bool = False,
) -> bool:
    """Whether a rule run with these values would change `membership` (see membership_set)."""
    if membership.source == MembershipSource.MANUAL or membership.reviewed_by_id:
        return False  # decided by a person: rules leave it alone
    return (
        membership.source,
        membership.confidence,
        membership.evidence,
        membership.review_status,
    ) != (source, confidence, evidence[:300], _review_status_for(source, confidence, stated))


@transaction.atomic
def membership_set(
    *,
    actor: Actor,
    enterprise: Enterprise,
    segment: Segment,
    role: str = MembershipRole.MEMBER,
    source: str = MembershipSource.MANUAL,
    confidence: Decimal | float | None = None,
    evidence: str = "",
    stated: bool = False,
    now: dt.datetime | None = None,
) -> Membership:
    """Put `enterprise` in `segment`, or update its membership there.

    Review status follows the source: set by hand and industry-code rules are accepted; text-rule
    guesses are accepted at or above `TEXT_RULE_AUTO_ACCEPT` or when `stated` (the firm names the
    work in its main business and its division agrees) and otherwise wait for review. A rule
    never overrides what a person decided: a membership set by hand, or one an official has
    accepted or rejected, is left as it is by later rule runs.
    """
    _check_chain_edit(actor, segment.chain)
    if confidence is not None and not isinstance(confidence, Decimal):
        confidence = Decimal(str(round(float(confidence), 3)))
    membership = (
        Membership.objects.select_for_update()
        .filter(enterprise=enterprise, segment=segment)
        .first()
    )
    is_rule = source != MembershipSource.MANUAL
    if membership is not None and is_rule:
        decided = membership.source == MembershipSource.MANUAL or membership.reviewed_by_id
        if decided:
            return membership
    status = _review_status_for(source, confidence, stated)
    values: dict[str, Any] = {
        "role": role,
        "source": source,
        "confidence": confidence,
        "evidence": evidence[:300],
        "review_status": status,
    }
    if not is_rule and actor is not None:
        values["reviewed_by"] = actor
        values["reviewed_at"] = now or timezone.now()
    if membership is None:
        membership = Membership(enterprise=enterprise, segment=segment, **values)
        membership.full_clean()
        membership.save()
        return membership
    if not is_rule and actor is not None and membership.reviewed_by_id == actor.pk:
        values.pop("reviewed_at")  # setting the same thing again is not a new decision
    if _apply(membership, values):
        membership.full_clean()
        membership.save()
    return membership


@transaction.atomic
def membership_review(
    *, actor: Actor, membership: Membership, accept: bool, now: dt.datetime | None = None
) -> Membership:
    """An official accepts or rejects a rule's guess; the decision sticks across rule runs."""
    if actor is None:
        raise PermissionDenied("Reviews are decisions of a person, not of the system.")
    _check_chain_edit(actor, membership.segment.chain)
    membership.review_status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    membership.reviewed_by = acting_user(actor)
    membership.reviewed_at = now or timezone.now()
    membership.full_clean()
    membership.save()
    record_event(
        instance=membership,
        event="membership_accepted" if accept else "membership_rejected",
        data={"confidence": membership.confidence, "evidence": membership.evidence},
    )
    return membership


@transaction.atomic
def membership_delete(*, actor: Actor, membership: Membership) -> None:
    _check_chain_edit(actor, membership.segment.chain)
    membership.delete()
