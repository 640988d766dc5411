"""The recruitment target FilterSet, shared by the list page and the REST API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainlead.chains.models import Chain
from chainlead.core.filters import FilterSet
from chainlead.recruitment.choices import Stage
from chainlead.recruitment.models import Target


class TargetFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    chain = django_filters.ModelChoiceFilter(
        label=_("Chain"), queryset=Chain.objects.all(), empty_label=_("all chains")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Stage.choices, empty_label=_("all stages")
    )
    location = django_filters.CharFilter(label=_("Where it is"), lookup_expr="icontains")

    class Meta:
        model = Target
        fields = ["q", "chain", "stage", "location"]
