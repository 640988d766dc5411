"""The enterprise FilterSet, shared by the list page and the REST API (no request logic here)."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from chainlead.core.filters import FilterSet
from chainlead.registry.choices import DataProvenance, Origin, SizeClass
from chainlead.registry.models import District, Enterprise, Industry


class YesNoAllWidget(BooleanWidget):
    """A yes/no filter whose empty choice reads "all", not "unknown"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", _("all")), ("true", _("yes")), ("false", _("no"))]


class EnterpriseFilterSet(FilterSet):
    """Filters of the enterprise list. Apply it to a queryset already restricted to the user."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_(
            "Name, short or English name, stock or credit code, or words of the business; "
            "Traditional and Simplified characters match, small typos are forgiven."
        ),
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), empty_label=_("all districts")
    )
    industry = django_filters.CharFilter(
        label=_("Industry code"),
        method="filter_industry",
        help_text=_("A GB/T 4754-2017 code at any level: C, 39, 391 or 3911."),
    )
    size_class = django_filters.ChoiceFilter(
        label=_("Size class"), choices=SizeClass.choices, empty_label=_("all sizes")
    )
    origin = django_filters.ChoiceFilter(
        label=_("Origin"), choices=Origin.choices, empty_label=_("all origins")
    )
    listed = django_filters.BooleanFilter(label=_("Listed"), widget=YesNoAllWidget)
    provenance = django_filters.ChoiceFilter(
        label=_("Data provenance"), choices=DataProvenance.choices, empty_label=_("all data")
    )

    class Meta:
        model = Enterprise
        fields = ["q", "district", "industry", "size_class", "origin", "listed", "provenance"]

    def filter_search(
        self, queryset: QuerySet[Enterprise], name: str, value: str
    ) -> QuerySet[Enterprise]:
        from chainlead.core.search import SearchQuery
        from chainlead.registry.search import matching

        return matching(queryset, SearchQuery.parse(value))

    def filter_industry(
        self, queryset: QuerySet[Enterprise], name: str, value: str
    ) -> QuerySet[Enterprise]:
        code = value.strip().upper()
        if not code:
            return queryset
        if code.isalpha():
            # A section letter: the firms of its divisions (codes are digits below sections).
            divisions: Any = Industry.objects.filter(parent_id=code).values_list("code", flat=True)
            scope = Q(industry_id=code)
            for division in divisions:
                scope |= Q(industry__code__startswith=division)
            return queryset.filter(scope)
        return queryset.filter(industry__code__startswith=code)
