"""The platform's FilterSet copies its filters as `copy.deepcopy` does, shares nothing between
two FilterSets, and gives the same form as django-filter's (fields, validation, filtering)."""

from __future__ import annotations

import copy
import importlib
from collections import OrderedDict
from typing import Any

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import BaseFilterSet

from chainlead.core.filters import FilterForm, FilterSet, copy_filters
from chainlead.registry.filtersets import EnterpriseFilterSet
from chainlead.registry.models import District, Enterprise


def platform_filtersets() -> list[type[Any]]:
    """Every FilterSet class of the platform's apps (their `filtersets` modules)."""
    for config in apps.get_app_configs():
        if config.name.startswith("chainlead."):
            try:
                importlib.import_module(f"{config.name}.filtersets")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.filtersets":
                    raise
    found = []
    pending = list(django_filters.FilterSet.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("chainlead.") and ".tests." not in cls.__module__:
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


FILTERSETS = [c for c in platform_filtersets() if c is not FilterSet]


def test_the_platform_has_its_filtersets() -> None:
    names = {c.__name__ for c in FILTERSETS}
    assert {"EnterpriseFilterSet", "RequestFilterSet", "MembershipReviewFilterSet"} <= names
    assert len(FILTERSETS) >= 10


@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda c: c.__name__)
def test_every_filterset_is_the_platforms(filterset_class: type[Any]) -> None:
    # core/partials/_filter_form.html draws `filter.form`, which only FilterForm draws as labels.
    assert issubclass(filterset_class, FilterSet)


_ATOMIC = (type(None), bool, int, float, str, bytes, type)


def _same_copy(original: Any, deep: Any, ours: Any, seen: dict[int, tuple[Any, Any]]) -> None:
    """`ours` is a copy of `original` as `deep` (copy.deepcopy's) is: the same types and
    values, the same objects shared with the original, the same objects shared inside."""
    assert type(ours) is type(deep)
    assert (ours is original) == (deep is original), (original, ours)
    if deep is original or isinstance(original, _ATOMIC):
        assert ours is original or ours == deep
        return
    if id(original) in seen:
        seen_deep, seen_ours = seen[id(original)]
        assert seen_deep is deep and seen_ours is ours  # shared inside as deepcopy shares
        return
    seen[id(original)] = (deep, ours)
    if isinstance(original, dict):
        assert list(ours) == list(deep)
        for key in original:
            _same_copy(original[key], deep[key], ours[key], seen)
    elif isinstance(original, (list, tuple)):
        assert len(ours) == len(deep) == len(original)
        for item, deep_item, our_item in zip(original, deep, ours, strict=True):
            _same_copy(item, deep_item, our_item, seen)
    elif isinstance(original, QuerySet):
        assert str(ours.query) == str(deep.query)
        assert ours._result_cache is None
    elif hasattr(original, "__dict__"):
        _same_copy(vars(original), vars(deep), vars(ours), seen)


@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda c: c.__name__)
def test_the_filters_are_copied_as_deepcopy_copies_them(filterset_class: type[Any]) -> None:
    original = filterset_class.base_filters
    deep = copy.deepcopy(OrderedDict(original))
    ours = copy_filters(original)
    assert type(ours) is OrderedDict
    _same_copy(dict(original), dict(deep), dict(ours), {})
    for name, filter_ in ours.items():
        assert filter_ is not original[name]
        assert filter_.extra is not original[name].extra
        if isinstance(filter_.__dict__.get("filter"), django_filters.filters.FilterMethod):
            assert filter_.filter.f is filter_  # the method is bound to the copy


def test_deepcopy_of_a_filtersets_filters_is_copy_filters() -> None:
    copied = copy.deepcopy(EnterpriseFilterSet.base_filters)
    assert type(copied) is OrderedDict
    assert list(copied) == list(EnterpriseFilterSet.base_filters)
    assert all(copied[n] is not f for n, f in EnterpriseFilterSet.base_filters.items())


class _Unusual:
    """An object with its own deep copy: copied by copy.deepcopy, memo and all."""

    def __init__(self) -> None:
        self.items = [1, 2]

    def __deepcopy__(self, memo: dict[int, Any]) -> _Unusual:
        new = _Unusual()
        new.items = copy.deepcopy(self.items, memo)
        return new


def test_unusual_values_and_shared_objects_are_copied_as_deepcopy_does() -> None:
    shared = [("a", _("District")), ("b", "B")]
    unusual = _Unusual()
    first = django_filters.ChoiceFilter(choices=shared, label=_("District"))
    second = django_filters.ChoiceFilter(choices=shared, widget=forms.Select(attrs={"x": "1"}))
    first.unusual = unusual  # type: ignore[attr-defined]
    second.unusual = unusual  # type: ignore[attr-defined]
    second.again = second.extra  # type: ignore[attr-defined]
    original = OrderedDict([("first", first), ("second", second)])
    deep = copy.deepcopy(original)
    ours = copy_filters(original)
    _same_copy(dict(original), dict(deep), dict(ours), {})
    assert ours["first"].extra["choices"] is ours["second"].extra["choices"]
    assert ours["first"].extra["choices"] is not shared
    assert ours["first"].unusual is ours["second"].unusual is not unusual
    assert ours["second"].again is ours["second"].extra
    assert ours["second"].extra["widget"] is not second.extra["widget"]


@pytest.mark.django_db
def test_two_filtersets_share_no_state(districts: dict[str, District]) -> None:
    queryset = Enterprise.objects.all()
    first = EnterpriseFilterSet({"district": "", "q": "x"}, queryset=queryset)
    second = EnterpriseFilterSet({"q": "y"}, queryset=queryset)
    for name, filter_ in first.filters.items():
        assert filter_ is not second.filters[name]
        assert filter_ is not EnterpriseFilterSet.base_filters[name]
        assert filter_.parent is first
        assert filter_.extra is not second.filters[name].extra
    assert first.filters["q"].filter.method.__self__ is first
    first.filters["district"].queryset = District.objects.filter(pk=-1)
    assert first.form.fields["district"] is not second.form.fields["district"]
    assert list(first.form.fields["district"].queryset) == []
    assert len(second.form.fields["district"].queryset) == len(districts) > 0
    base = EnterpriseFilterSet.base_filters["district"]
    assert base.queryset.model is District and base.queryset._result_cache is None
    assert "_field" not in vars(base)


DATA = [
    None,
    {},
    {"industry": "C", "size_class": "small", "listed": "true", "district": ""},
    {"size_class": "huge", "district": "999999", "listed": "maybe"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("data", DATA, ids=["unbound", "empty", "valid", "invalid"])
def test_the_form_is_django_filters(data: dict[str, str] | None, districts: Any) -> None:
    queryset = Enterprise.objects.all()
    ours = EnterpriseFilterSet(data, queryset=queryset)
    reference = EnterpriseFilterSet(data, queryset=queryset)
    theirs = BaseFilterSet.get_form_class(reference)
    theirs_form = theirs(reference.data, prefix=None) if reference.is_bound else theirs()
    form = ours.form
    assert type(form) is FilterForm
    assert form is ours.form  # one form per FilterSet
    assert form.is_bound == theirs_form.is_bound == (data is not None)
    assert list(form.fields) == list(theirs_form.fields)
    for name, field in form.fields.items():
        assert type(field) is type(theirs_form.fields[name])
        assert field is ours.filters[name].field
        assert vars(field.widget).keys() == vars(theirs_form.fields[name].widget).keys()
    assert form.is_valid() == theirs_form.is_valid() == (data is not None and data != DATA[3])
    assert form.errors == theirs_form.errors
    if form.is_valid():
        assert form.cleaned_data == theirs_form.cleaned_data
        filtered = queryset.all()
        for name, value in theirs_form.cleaned_data.items():  # django-filter's filter_queryset
            filtered = reference.filters[name].filter(filtered, value)
        assert str(ours.qs.query) == str(filtered.query)


class _OwnForm(forms.Form):
    pass


class _WithItsForm(FilterSet):
    q = django_filters.CharFilter()

    class Meta:
        model = Enterprise
        fields = ["q"]
        form = _OwnForm


def test_a_filterset_with_its_own_form_keeps_django_filters_way() -> None:
    form = _WithItsForm({"q": "x"}, queryset=Enterprise.objects.none()).form
    assert isinstance(form, _OwnForm)
    assert not isinstance(form, FilterForm)
    assert form.is_valid() and form.cleaned_data == {"q": "x"}


class _WithItsFormClass(FilterSet):
    q = django_filters.CharFilter()

    class Meta:
        model = Enterprise
        fields = ["q"]

    def get_form_class(self) -> type[forms.Form]:
        return type("Own", (_OwnForm,), {"q": forms.CharField(required=False)})


def test_a_filterset_with_its_own_form_class_keeps_django_filters_way() -> None:
    form = _WithItsFormClass({"q": "x"}, queryset=Enterprise.objects.none()).form
    assert isinstance(form, _OwnForm)
    assert type(form).__name__ == "Own"
