"""Reads of the registry, restricted to what the user may see."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from chainlead.accounts.access import access_for
from chainlead.registry.models import District, Enterprise, EnterpriseIndicator, ImportJob, Industry


def enterprise_list(*, user: Any) -> QuerySet[Enterprise]:
    """Firms the user may see: all for admins, auditors and finance; otherwise their scope."""
    access = access_for(user)
    qs = Enterprise.objects.select_related("district", "industry")
    if access.reads_all_firms:
        return qs
    scope = Q(pk__in=access.enterprise_ids)
    if access.chain_ids:
        from chainlead.chains.models import Membership

        scope |= Exists(
            Membership.objects.filter(
                enterprise_id=OuterRef("pk"), segment__chain_id__in=access.chain_ids
            )
        )
    if access.district_ids:
        scope |= Q(district_id__in=access.district_ids)
    if not access.enterprise_ids and not access.chain_ids and not access.district_ids:
        return qs.none()
    return qs.filter(scope)


def enterprise_get(*, user: Any, pk: int) -> Enterprise:
    """One visible firm; raises Enterprise.DoesNotExist (a 404) when it is out of scope."""
    return enterprise_list(user=user).get(pk=pk)


def enterprise_can_change(*, user: Any, enterprise: Enterprise) -> bool:
    access = access_for(user)
    return access.is_admin or enterprise.pk in access.enterprise_ids


def indicator_list(*, enterprise: Enterprise) -> QuerySet[EnterpriseIndicator]:
    return enterprise.indicators.order_by("year")


def district_list() -> QuerySet[District]:
    return District.objects.all()


def industry_list() -> QuerySet[Industry]:
    return Industry.objects.all()


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    access = access_for(user)
    if access.is_admin or access.is_auditor:
        return ImportJob.objects.select_related("created_by")
    return ImportJob.objects.none()
