"""FilterSets of the commissioners app, shared by the list pages and the REST API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chainlead.commissioners.choices import CommissionerKind, CommissionerStatus
from chainlead.commissioners.models import Assignment, Commissioner
from chainlead.core.filters import FilterSet
from chainlead.registry.models import District


class CommissionerFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=CommissionerKind.choices, empty_label=_("all kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CommissionerStatus.choices, empty_label=_("all statuses")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), empty_label=_("all districts")
    )

    class Meta:
        model = Commissioner
        fields = ["q", "kind", "status", "district"]

    def search(
        self, queryset: QuerySet[Commissioner], name: str, value: str
    ) -> QuerySet[Commissioner]:
        return queryset.filter(Q(name__icontains=value) | Q(home_institution__icontains=value))


class AssignmentFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Assignment
        fields = ["q"]

    def search(self, queryset: QuerySet[Assignment], name: str, value: str) -> QuerySet[Assignment]:
        return queryset.filter(
            Q(commissioner__name__icontains=value) | Q(enterprise__name__icontains=value)
        )
