"""Filters of the chain pages: the map filter form and the review-queue FilterSet.

The map filter is a plain form, not a FilterSet, because a chain map is a set of aggregates over
memberships rather than a queryset; it turns its GET parameters into the selectors' `MapFilters`.
The parameter names (`district`, `size_class`, `origin`) are the shareable URL of a filtered map.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chainlead.accounts.access import access_for
from chainlead.chains.choices import MembershipSource
from chainlead.chains.models import Chain, Membership
from chainlead.chains.permissions import map_district_ids
from chainlead.chains.selectors import MapFilters
from chainlead.core.filters import FilterSet
from chainlead.registry.choices import Origin, SizeClass
from chainlead.registry.models import District
from chainlead.registry.selectors import district_list

FILTER_PARAMS = ("district", "size_class", "origin")


class MapFilterForm(forms.Form):
    """District, size class and origin of the firms counted on a chain map."""

    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("All districts"),
    )
    size_class = forms.ChoiceField(
        label=_("Size class"),
        required=False,
        choices=[("", _("All sizes")), *SizeClass.choices],
    )
    origin = forms.ChoiceField(
        label=_("Origin"),
        required=False,
        choices=[("", _("Local and attracted")), *Origin.choices],
    )

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        districts = district_list()
        limit = map_district_ids(access_for(user))
        if limit is not None:
            # A district official can only narrow the map within their own districts.
            districts = districts.filter(pk__in=limit)
        field = self.fields["district"]
        field.queryset = districts  # type: ignore[attr-defined]
        empty_label = field.empty_label  # type: ignore[attr-defined]

        def options() -> list[tuple[Any, Any]]:
            return [("", empty_label), *((d.pk, d.label) for d in districts)]

        # Options from a plain list (iterating the queryset opens a server-side cursor on
        # PostgreSQL for thirteen rows), and only when the form is drawn: a cached page never
        # draws it, and so never reads the districts.
        field.widget.choices = options

    def map_filters(self) -> MapFilters:
        """The selectors' filters; invalid parameters are ignored rather than failing the page."""
        if not self.is_valid():
            return MapFilters()
        district = self.cleaned_data.get("district")
        return MapFilters(
            district_ids=(district.pk,) if district else None,
            size_class=self.cleaned_data.get("size_class") or None,
            origin=self.cleaned_data.get("origin") or None,
        )

    def querystring(self) -> str:
        """The active filters as a query string (without "?"), to carry across links."""
        if not self.is_valid():
            return ""
        parts = []
        for name in FILTER_PARAMS:
            value = self.cleaned_data.get(name)
            if value:
                parts.append(f"{name}={getattr(value, 'pk', value)}")
        return "&".join(parts)

    @property
    def active(self) -> bool:
        return bool(self.querystring())


class MembershipReviewFilterSet(FilterSet):
    """The review queue narrowed to one chain or one source."""

    chain = django_filters.ModelChoiceFilter(
        field_name="segment__chain",
        label=_("Chain"),
        queryset=Chain.objects.all(),
        empty_label=_("All chains"),
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=MembershipSource.choices, empty_label=_("All sources")
    )

    class Meta:
        model = Membership
        fields = ["chain", "source"]

    def __init__(self, data: Any = None, queryset: QuerySet[Membership] | None = None, **kw: Any):
        super().__init__(data, queryset=queryset, **kw)
        chain_ids = queryset.values("segment__chain_id") if queryset is not None else None
        if chain_ids is not None:
            self.filters["chain"].queryset = Chain.objects.filter(pk__in=chain_ids)
