"""Filters of the governance lists, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chainlead.core.filters import FilterSet
from chainlead.governance.choices import PolicyTopic
from chainlead.governance.models import PolicyItem


class PolicyItemFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=PolicyTopic.choices)
    chain = django_filters.CharFilter(label=_("Chain"), field_name="package_items__chain__slug")

    class Meta:
        model = PolicyItem
        fields = ["q", "topic", "chain"]

    def search(self, qs: QuerySet[PolicyItem], name: str, value: Any) -> QuerySet[PolicyItem]:
        return qs.filter(
            Q(title__icontains=value)
            | Q(issuing_body__icontains=value)
            | Q(doc_number__icontains=value)
            | Q(supports__icontains=value)
        )
