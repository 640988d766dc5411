"""The platform's FilterSet: django-filter's, cheaper to build on every list request.

A list page builds its FilterSet on every request, search included, and django-filter spends
about a third of the filter bar's time on copies: it deep-copies the class's filters for each
FilterSet, then makes a new form class from them and deep-copies that class's fields into the
form. Here:

- the filters are copied as `copy.deepcopy` copies them, but lists, dicts, tuples and
  immutable values (strings, numbers, lazy translations, classes, functions) are copied
  without the `copy` module's generic machinery; anything else (a queryset, a widget, a
  filter's bound `method`) still goes through `copy.deepcopy`, with the same memo, so objects
  shared between filters stay shared in the copy and nothing is shared with the class;
- the form is one `FilterForm` class, its fields the filters' own: django-filter makes each
  filter's field for this FilterSet alone (from its copied filters), so a second copy of them
  is not needed. A FilterSet with its own `Meta.form` or `get_form_class()` keeps
  django-filter's way.

`FilterForm` is drawn (`{{ filter.form }}`, see `core/partials/_filter_form.html`) as the
filter bar's labels, which the project's form renderer writes in Python.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from types import BuiltinFunctionType, FunctionType
from typing import Any

import django_filters
from django import forms
from django.utils.functional import Promise
from django_filters.filterset import FilterSetMetaclass

from chainlead.core.renderers import FILTER_FIELDS

# What `copy.deepcopy` returns as it is (its "atomic" types; a lazy translation returns itself).
_IMMUTABLE = frozenset({type(None), bool, int, float, complex, str, bytes, type, range,
                        FunctionType, BuiltinFunctionType})  # fmt: skip


def _copied(value: Any, memo: dict[int, Any]) -> Any:
    """`copy.deepcopy(value, memo)`, without its machinery for plain values and containers."""
    kind = type(value)
    if kind in _IMMUTABLE or isinstance(value, Promise):
        return value
    key = id(value)
    if key in memo:
        return memo[key]
    if kind is list:
        new_list: list[Any] = []
        memo[key] = new_list
        new_list.extend(_copied(item, memo) for item in value)
        return new_list
    if kind is dict or kind is OrderedDict:
        new_dict: dict[Any, Any] = kind()
        memo[key] = new_dict
        for name, item in value.items():
            new_dict[_copied(name, memo)] = _copied(item, memo)
        return new_dict
    if kind is tuple:
        items = [_copied(item, memo) for item in value]
        if key in memo:  # a tuple reached through itself (as deepcopy does)
            return memo[key]
        same = all(a is b for a, b in zip(items, value, strict=True))
        new_tuple = value if same else tuple(items)
        memo[key] = new_tuple
        return new_tuple
    return copy.deepcopy(value, memo)


# The methods by which a class may copy otherwise; `object`'s copy as `_copied` does.
_OBJECT_COPY = {
    name: getattr(object, name) for name in ("__reduce_ex__", "__reduce__", "__getstate__")
}


def _copies_plainly(cls: type) -> bool:
    """Whether `copy.deepcopy` copies instances of `cls` as new objects with copied __dict__."""
    return (
        not hasattr(cls, "__deepcopy__")
        and not hasattr(cls, "__setstate__")
        and not hasattr(cls, "__slots__")
        and all(getattr(cls, name) is method for name, method in _OBJECT_COPY.items())
        and cls not in copy._deepcopy_dispatch  # type: ignore[attr-defined]
    )


_PLAIN: dict[type, bool] = {}  # filter class → _copies_plainly(class)


def copy_filters(
    filters: OrderedDict[str, Any], memo: dict[int, Any] | None = None
) -> OrderedDict[str, Any]:
    """`copy.deepcopy(filters)`: the same copies (compared in core/tests/test_filters.py)."""
    memo = {} if memo is None else memo
    copied: OrderedDict[str, Any] = OrderedDict()
    for name, filter_ in filters.items():
        cls = type(filter_)
        plain = _PLAIN.get(cls)
        if plain is None:
            plain = _PLAIN[cls] = _copies_plainly(cls)
        if not plain:
            copied[name] = copy.deepcopy(filter_, memo)
            continue
        new = object.__new__(cls)
        memo[id(filter_)] = new  # its bound `method` (FilterMethod) points to the copy
        new.__dict__.update({key: _copied(value, memo) for key, value in filter_.__dict__.items()})
        copied[name] = new
    return copied


class Filters(OrderedDict[str, Any]):
    """A FilterSet class's filters, deep-copied by `copy_filters`."""

    def __deepcopy__(self, memo: dict[int, Any]) -> OrderedDict[str, Any]:
        return copy_filters(self, memo)


class _Metaclass(FilterSetMetaclass):  # type: ignore[misc]
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_filters = Filters(new_class.base_filters)
        return new_class


class FilterForm(forms.Form):
    """The form of a FilterSet below, drawn as the filter bar's labels (`FILTER_FIELDS`)."""

    template_name = FILTER_FIELDS

    def get_context(self) -> dict[str, Any]:
        # Django's also renders every field's error list, which the labels draw themselves.
        return {"form": self}


_GET_FORM_CLASS = django_filters.FilterSet.get_form_class


class FilterSet(django_filters.FilterSet, metaclass=_Metaclass):  # type: ignore[misc]
    """django-filter's FilterSet, built with fewer copies (module docstring)."""

    @property
    def form(self) -> forms.Form:
        if self._meta.form is not forms.Form or type(self).get_form_class is not _GET_FORM_CLASS:
            return super().form  # type: ignore[no-any-return]
        if not hasattr(self, "_form"):
            form = FilterForm(self.data if self.is_bound else None, prefix=self.form_prefix)
            form.fields = {name: filter_.field for name, filter_ in self.filters.items()}
            self._form = form
        return self._form
