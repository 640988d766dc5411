"""The application FilterSet, shared by the list page and the REST API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainlead.core.filters import FilterSet
from chainlead.programs.choices import ApplicationStatus
from chainlead.programs.models import Application, Program


class ApplicationFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="icontains")
    program = django_filters.ModelChoiceFilter(
        label=_("Program"),
        field_name="round__program",
        queryset=Program.objects.all(),
        empty_label=_("all programs"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ApplicationStatus.choices, empty_label=_("all")
    )

    class Meta:
        model = Application
        fields = ["q", "program", "status"]
