"""Writes to the registry. Every write checks the actor, validates, and is audited."""

from typing import Any

from django.db import transaction
from django.db.models import F

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor
from chainlead.core.exceptions import ConcurrentEditError, PermissionDenied
from chainlead.core.models import DataVersion
from chainlead.registry.models import Enterprise, EnterpriseIndicator
from chainlead.registry.permissions import manages_registry

REGISTRY_DATA = "registry"

EDITABLE_FIELDS = (
    "credit_code",
    "stock_code",
    "name",
    "short_name",
    "name_en",
    "district",
    "address",
    "founded",
    "industry",
    "size_class",
    "above_designated_size",
    "employees",
    "revenue",
    "rd_spend",
    "registered_capital",
    "business_scope",
    "main_business",
    "listed",
    "origin",
    "origin_place",
    "landed_on",
    "recruitment_effort",
)
# An enterprise user may correct their own firm's data but not its identity or its origin.
OWNER_EDITABLE_FIELDS = (
    "short_name",
    "name_en",
    "address",
    "size_class",
    "above_designated_size",
    "employees",
    "revenue",
    "rd_spend",
    "business_scope",
    "main_business",
)


@transaction.atomic
def enterprise_create(*, actor: Actor, **fields: Any) -> Enterprise:
    if not manages_registry(access_for(actor)):
        raise PermissionDenied("Only city admins register firms.")
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"provenance", "source_note", "province", "city"}
    if unknown:
        raise TypeError(f"Unknown enterprise fields: {sorted(unknown)}")
    if fields.get("credit_code") == "":
        fields["credit_code"] = None
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    enterprise.save()
    DataVersion.bump(REGISTRY_DATA)
    return enterprise


@transaction.atomic
def enterprise_create_attracted(*, actor: Actor, **fields: Any) -> Enterprise:
    """A recruitment target landed: registered as an attracted firm. The caller (recruitment's
    `target_land`) has checked that `actor` may land the target; `actor` is audited."""
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    enterprise.save()
    DataVersion.bump(REGISTRY_DATA)
    return enterprise


def fields_editable_by(*, actor: Actor, enterprise: Enterprise) -> tuple[str, ...]:
    access = access_for(actor)
    if access.is_admin:
        return EDITABLE_FIELDS
    if enterprise.pk in access.enterprise_ids:
        return OWNER_EDITABLE_FIELDS
    return ()


@transaction.atomic
def enterprise_update(
    *, actor: Actor, enterprise: Enterprise, expected_version: int | None = None, **changes: Any
) -> Enterprise:
    """Apply `changes`; refuse if someone saved the firm since `expected_version` was read."""
    allowed = fields_editable_by(actor=actor, enterprise=enterprise)
    if not allowed:
        raise PermissionDenied("You may not edit this firm.")
    forbidden = set(changes) - set(allowed)
    if forbidden:
        raise PermissionDenied(f"You may not edit these fields: {', '.join(sorted(forbidden))}")
    version = enterprise.version if expected_version is None else expected_version
    # Lock the row and compare versions so that two concurrent edits never lose an update.
    current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if current.version != version:
        raise ConcurrentEditError()
    for name, value in changes.items():
        if name == "credit_code" and value == "":
            value = None
        setattr(current, name, value)
    current.full_clean()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    DataVersion.bump(REGISTRY_DATA)
    return current


@transaction.atomic
def enterprise_delete(*, actor: Actor, enterprise: Enterprise) -> None:
    if not manages_registry(access_for(actor)):
        raise PermissionDenied("Only city admins delete firms.")
    enterprise.delete()
    DataVersion.bump(REGISTRY_DATA)


@transaction.atomic
def indicator_set(
    *, actor: Actor, enterprise: Enterprise, year: int, **values: Any
) -> EnterpriseIndicator:
    if not fields_editable_by(actor=actor, enterprise=enterprise):
        raise PermissionDenied("You may not edit this firm.")
    indicator = EnterpriseIndicator.objects.filter(enterprise=enterprise, year=year).first()
    if indicator is None:
        indicator = EnterpriseIndicator(enterprise=enterprise, year=year)
    for name, value in values.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    return indicator
