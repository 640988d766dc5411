"""Reads of the registry, restricted to what the user may see."""

from django.db.models import QuerySet

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Reader
from chainlead.core.scopes import scope_condition
from chainlead.registry.models import District, Enterprise, EnterpriseIndicator, ImportJob, Industry
from chainlead.registry.permissions import reads_all_firms


def enterprise_list(*, user: Reader) -> QuerySet[Enterprise]:
    """Firms the user may see: all for city-wide readers; otherwise the union of the scopes
    registered for "enterprise" (the registry's own: granted firms and districts; the chains':
    firms on the reader's chains; …), see chainlead.core.scopes."""
    access = access_for(user)
    qs = Enterprise.objects.select_related("district", "industry")
    if reads_all_firms(access):
        return qs
    condition = scope_condition("enterprise", access)
    return qs.none() if condition is None else qs.filter(condition)


def enterprise_get(*, user: Reader, pk: int) -> Enterprise:
    """One visible firm; raises Enterprise.DoesNotExist (a 404) when it is out of scope."""
    return enterprise_list(user=user).get(pk=pk)


def indicator_list(*, enterprise: Enterprise) -> QuerySet[EnterpriseIndicator]:
    return enterprise.indicators.order_by("year")


def district_list() -> QuerySet[District]:
    return District.objects.all()


def industry_list() -> QuerySet[Industry]:
    return Industry.objects.all()


def import_job_list(*, user: Reader) -> QuerySet[ImportJob]:
    access = access_for(user)
    if access.reads_everything:
        return ImportJob.objects.select_related("created_by")
    return ImportJob.objects.none()
