"""The project FilterSet, shared by the list page and the REST API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainlead.core.filters import FilterSet
from chainlead.poc.choices import ProjectStatus, Provenance, Stage
from chainlead.poc.models import Centre, Project


class ProjectFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="icontains")
    centre = django_filters.ModelChoiceFilter(
        label=_("Centre"), queryset=Centre.objects.all(), empty_label=_("all centres")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Stage.choices, empty_label=_("all stages")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProjectStatus.choices, empty_label=_("all")
    )
    field = django_filters.CharFilter(
        label=_("Field (GB/T 4754)"), field_name="industry__code", lookup_expr="startswith"
    )
    provenance = django_filters.ChoiceFilter(
        label=_("Provenance"), choices=Provenance.choices, empty_label=_("all")
    )

    class Meta:
        model = Project
        fields = ["q", "centre", "stage", "status", "field", "provenance"]
