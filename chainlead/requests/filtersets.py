"""The request FilterSet, shared by the list page and the REST API."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainlead.chains.models import Chain
from chainlead.core.filters import FilterSet
from chainlead.requests.choices import CLOCK_STATUSES, OPEN_STATUSES, Category, Channel, Status
from chainlead.requests.models import Department, EnterpriseRequest, Tag


class RequestFilterSet(FilterSet):
    """Filters of the request list (the problem list). Apply to `selectors.request_list`."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("all statuses")
    )
    state = django_filters.ChoiceFilter(
        label=_("Open or overdue"),
        method="filter_state",
        choices=[("open", _("open")), ("overdue", _("overdue")), ("closed", _("closed"))],
        empty_label=_("all"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, empty_label=_("all categories")
    )
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=Chain.objects.all(), empty_label=_("all chains")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.all(), empty_label=_("all departments")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, empty_label=_("all channels")
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), field_name="tags", queryset=Tag.objects.all(), empty_label=_("all tags")
    )
    escalated = django_filters.ChoiceFilter(
        label=_("Escalated"),
        method="filter_escalated",
        choices=[("yes", _("escalated")), ("no", _("not escalated"))],
        empty_label=_("all"),
    )
    raised_after = django_filters.DateFilter(
        label=_("Raised from"), field_name="raised_at", lookup_expr="date__gte"
    )
    raised_before = django_filters.DateFilter(
        label=_("Raised until"), field_name="raised_at", lookup_expr="date__lte"
    )

    class Meta:
        model = EnterpriseRequest
        fields = [
            "q",
            "state",
            "status",
            "category",
            "chain",
            "department",
            "channel",
            "tag",
            "escalated",
            "raised_after",
            "raised_before",
        ]

    def filter_search(
        self, queryset: QuerySet[EnterpriseRequest], name: str, value: str
    ) -> QuerySet[EnterpriseRequest]:
        value = value.strip()
        if not value:
            return queryset
        scope = Q(title__icontains=value) | Q(enterprise__name__icontains=value)
        scope |= Q(hotline_ticket=value)
        if value.upper().startswith("SQ") and "-" in value:
            tail = value.rsplit("-", 1)[1]
            if tail.isdigit():
                scope |= Q(pk=int(tail))
        return queryset.filter(scope)

    def filter_state(
        self, queryset: QuerySet[EnterpriseRequest], name: str, value: str
    ) -> QuerySet[EnterpriseRequest]:
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "overdue":
            return queryset.filter(status__in=CLOCK_STATUSES, deadline__lt=timezone.localdate())
        if value == "closed":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset

    def filter_escalated(
        self, queryset: QuerySet[EnterpriseRequest], name: str, value: Any
    ) -> QuerySet[EnterpriseRequest]:
        if value is None:
            return queryset
        return (
            queryset.filter(escalation_level__gt=0)
            if value
            else queryset.filter(escalation_level=0)
        )
